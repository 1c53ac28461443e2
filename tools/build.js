// `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json), copies the files the compiled code
// reads beside itself, and writes dist/build-stamp.json last — bin/bellwether.js runs dist/ only while that
// stamp is at least as new as everything under src/.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Non-TS files under src/ that only the sources or the tests use: the compiled build never reads them. */
const SOURCES_ONLY = [
  // Worker entries that register tsx (a dev dependency) in the thread; compiled, the worker module runs itself.
  /-entry\.js$/,
  // Golden tokenizer ids for wordpiece.test.ts.
  /^model\/pretrained\/wordpiece-golden\.jsonl$/,
];

/** SQL migrations, the dashboard's static files, the ONNX schema: read at run time relative to their module. */
function isAsset(file) {
  const path = file.split('\\').join('/');
  return !['.ts', '.md'].includes(extname(path)) && !SOURCES_ONLY.some((rule) => rule.test(path));
}

// A clean dist/: a source deleted since the last build must not live on in it.
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.stderr.write('build: tsc failed; dist/ left without a stamp, so it is never run\n');
  process.exit(compiled.status ?? 1);
}

const assets = readdirSync(src, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name).slice(src.length + 1))
  .filter(isAsset);
for (const file of assets) cpSync(join(src, file), join(dist, file));

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const builtAt = new Date().toISOString();
writeFileSync(join(dist, 'build-stamp.json'), `${JSON.stringify({ version, builtAt })}\n`);
process.stdout.write(`build: dist/ ${version} built ${builtAt} (${assets.length} assets copied)\n`);
