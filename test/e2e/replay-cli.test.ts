// `bellwether replay <stream> --speed max --json` as a child process publishes exactly each manifest's item count;
// `bellwether ingest` serves HTTP push and drains to exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/bellwether.js');
const streamsDir = join(root, 'fixtures/streams');
const streams = readdirSync(streamsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Env without config or bus overrides from the developer's shell, so the embedded defaults apply. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, BELLWETHER_LOG_LEVEL: 'warn' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('BELLWETHER_') && key !== 'BELLWETHER_LOG_LEVEL') delete env[key];
  }
  return env;
}

function run(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `bellwether ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bellwether replay (CLI)', () => {
  it.each(streams)('%s --speed max publishes the manifest item count', async (name) => {
    const manifest = JSON.parse(readFileSync(join(streamsDir, name, 'manifest.json'), 'utf8')) as {
      expected: { items: number; duplicates: number; rejected: number };
    };
    const result = await run(['replay', `fixtures/streams/${name}`, '--speed', 'max', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] ?? '{}');
    expect(summary).toMatchObject({
      published: manifest.expected.items,
      duplicates: manifest.expected.duplicates,
      rejected: manifest.expected.rejected,
      aborted: false,
      matchesManifest: true,
      bus: 'memory',
      topic: 'news.raw',
    });
    if (name === 'malformed')
      expect(summary.problems.length).toBeGreaterThan(manifest.expected.rejected);
    else expect(summary.problems).toEqual([]);
  });

  it('rejects a bad --speed and a missing directory with a clear message and a non-zero exit', async () => {
    const badSpeed = await run(['replay', 'fixtures/streams/malformed', '--speed', 'fast']);
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.stderr).toMatch(/--speed must be a positive number or "max"/);
    const missing = await run(['replay', 'fixtures/streams/no-such-stream']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/stream directory fixtures\/streams\/no-such-stream/);
  });
});

describe('bellwether ingest (CLI)', () => {
  it('accepts pushed items over HTTP, then drains and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [bin, '--log-level', 'info', 'ingest', '--http', '--http-port', '0'],
      {
        cwd: root,
        env: cleanEnv(),
      },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listen line; stderr: ${stderr}`)),
        30_000,
      );
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1\/items)/.exec(stderr);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const response = await fetch(address, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { title: 'Boeing halts deliveries', publishedAt: '2026-01-05T10:00:00Z' },
        {},
      ]),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/ingest stopped/);
  });

  it('refuses to start with nothing to ingest', async () => {
    const result = await run(['ingest']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing to ingest/);
  });
});
