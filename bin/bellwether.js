#!/usr/bin/env node
// Entry point: runs the compiled build (dist/, made by `npm run build`) when it is current, else the TypeScript
// sources through tsx (a dev dependency), so that a stale dist/ never runs in place of edited sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
/** Written last by the build: its mtime is when dist/ was complete. */
const stamp = join(root, 'dist', 'build-stamp.json');

/** Latest change under `dir`: an edited file moves its own mtime; an added, removed or renamed one its folder's. */
function latestChangeMs(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { recursive: true })) {
    // A file removed between the listing and its stat is a change too, seen through its folder's mtime.
    latest = Math.max(latest, statSync(join(dir, entry), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  }
  return latest;
}

/** An image has dist/ and no src/; a checkout runs dist/ only while no source changed since the build. */
function distIsCurrent() {
  if (!existsSync(stamp)) return false;
  return !existsSync(src) || statSync(stamp).mtimeMs >= latestChangeMs(src);
}

async function loadSources() {
  if (existsSync(stamp)) {
    process.stderr.write(
      'bellwether: dist/ is older than src/; running the sources through tsx (npm run build refreshes dist/)\n',
    );
  }
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    process.stderr.write(
      'bellwether: no current build in dist/ and no tsx to run the sources (a dev dependency): run npm ci && npm run build\n',
    );
    process.exit(1);
  }
  return import('../src/cli/main.ts');
}

const { main } = distIsCurrent() ? await import('../dist/cli/main.js') : await loadSources();
process.exitCode = await main(process.argv.slice(2));
