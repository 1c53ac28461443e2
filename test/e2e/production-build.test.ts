// `npm run build` on a fresh copy of the tree: bin/bellwether.js then runs the compiled dist/ (src/ removed, it
// still works, worker threads included), falls back to the sources with a note when dist/ is older than src/,
// and the compiled code imports only node built-ins and production dependencies.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot } from '../support/cli.ts';

/** What a clean clone has that the build reads; the large read-only folders are linked, not copied. */
const COPIED = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'bin',
  'src',
  'tools',
];
const LINKED = ['node_modules', 'models', 'config', 'fixtures'];

let clone: string;

function bellwether(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [join(clone, 'bin/bellwether.js'), ...args], {
    cwd: clone,
    env: cleanEnv(),
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Import and export statements and literal dynamic imports of a compiled module: their specifiers. */
const IMPORTS =
  /^\s*(?:import|export)\b[^'"]*?\bfrom\s*'([^']+)'|^\s*import\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;
/** Files a compiled module reads or starts relative to itself. */
const BESIDE = /new URL\('(\.{1,2}\/[^']+)', import\.meta\.url\)/g;

/** Package names (bare specifiers other than node built-ins) that a compiled module imports. */
function importedPackages(code: string): string[] {
  return [...code.matchAll(IMPORTS)]
    .map((m) => (m[1] ?? m[2] ?? m[3]) as string)
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/** The compiled modules under dist/, relative to it. */
const compiledModules = (dist: string) =>
  readdirSync(dist, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js') && !f.startsWith(join('web', 'static')));

describe('issue 16.5 — npm run build compiles to dist/ and bin/bellwether.js runs the compiled code', () => {
  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'bellwether-build-'));
    for (const entry of COPIED)
      cpSync(join(repoRoot, entry), join(clone, entry), { recursive: true });
    for (const entry of LINKED) symlinkSync(join(repoRoot, entry), join(clone, entry));
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: clone, encoding: 'utf8' });
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
  }, 300_000);

  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('--version names the compiled build, with nothing on stderr', () => {
    const run = bellwether(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^bellwether 0\.\d+\.\d+ \(compiled build of \d{4}-\d\d-\d\dT[\d:.]+Z\)\n$/,
    );
    expect(run.stderr).toBe('');
  });

  it('dist/ has the files the compiled code reads beside itself, and no tests or dev-only modules', () => {
    const files = readdirSync(join(clone, 'dist'), { recursive: true }).map(String);
    expect(files).toEqual(
      expect.arrayContaining([
        'cli/main.js',
        'model/score-worker.js',
        'store/schema/001-items-and-rollup.sql',
        'web/static/index.html',
        'web/static/app.js',
        'model/pretrained/onnx-subset.proto',
      ]),
    );
    expect(files.filter((f) => /\.test\.|contract\.js$|\.ts$|score-worker-entry/.test(f))).toEqual(
      [],
    );
  });

  it('the compiled code imports only node built-ins and production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const dist = join(clone, 'dist');
    const strays = compiledModules(dist).flatMap((f) =>
      importedPackages(readFileSync(join(dist, f), 'utf8'))
        .filter((name) => !allowed.has(name))
        .map((name) => `${f} imports ${name}`),
    );
    expect(strays).toEqual([]);
  });

  it('every file a compiled module names relative to itself (new URL(…, import.meta.url)) is in dist/', () => {
    const dist = join(clone, 'dist');
    const missing = compiledModules(dist).flatMap((f) =>
      [...readFileSync(join(dist, f), 'utf8').matchAll(BESIDE)]
        .map((m) => join(dirname(f), m[1] as string))
        .filter((target) => !target.startsWith('..') && !existsSync(join(dist, target)))
        .map((target) => `${f} names ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('runs from dist/ with src/ gone: --version, score-text and the feed parse thread (worker threads) work', () => {
    renameSync(join(clone, 'src'), join(clone, 'src-away'));
    try {
      const version = bellwether(['--version']);
      expect(version.stdout).toMatch(/compiled build/);
      // JSONL on stdin is scored by the configured worker pool: two threads, whatever the machine's cores.
      writeFileSync(join(clone, 'two-workers.yaml'), 'model:\n  workers: 2\n');
      const scored = bellwether(
        ['--config', 'two-workers.yaml', '--log-level', 'info', 'score-text', '--backend', 'wasm'],
        '{"text":"Tesla recalls 2 million cars"}\n',
      );
      expect(scored.code, scored.stderr).toBe(0);
      expect(scored.stderr).toMatch(/"workers":2/);
      const line = JSON.parse(scored.stdout.trim()) as { label: string };
      expect(['negative', 'neutral', 'positive']).toContain(line.label);
      // The feed poller's parse thread, started from the compiled module (a script file: a worker would
      // inherit --input-type, which only an inline script may carry).
      writeFileSync(
        join(clone, 'parse-feed.mjs'),
        `import { readFileSync } from 'node:fs';
         import { parseFeedBodyOffThread } from './dist/ingest/rss/off-thread-parse.js';
         const bytes = readFileSync('fixtures/streams/demo/northwire.rss.xml');
         const options = { where: 'northwire', source: 'northwire', fetchedAt: new Date().toISOString() };
         console.log((await parseFeedBodyOffThread(bytes, options)).items.length);`,
      );
      const parse = spawnSync(process.execPath, ['parse-feed.mjs'], {
        cwd: clone,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(parse.status, parse.stderr).toBe(0);
      expect(Number(parse.stdout)).toBeGreaterThan(0);
    } finally {
      renameSync(join(clone, 'src-away'), join(clone, 'src'));
    }
  }, 180_000);

  it('a dist/ older than src/ is not run: the sources run through tsx and stderr says so once', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(clone, 'src/cli/main.ts'), later, later);
    const run = bellwether(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^bellwether 0\.\d+\.\d+ \(TypeScript sources through tsx\)\n$/);
    expect(run.stderr.match(/dist\/ is older than src\//g)).toHaveLength(1);
    expect(existsSync(join(clone, 'dist/cli/main.js'))).toBe(true);
  });
});
