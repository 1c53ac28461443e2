// `bellwether replay <stream> --speed max --json` as a child process publishes exactly each manifest's item count;
// `bellwether ingest` serves HTTP push and drains to exit 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe.concurrent('bellwether replay (CLI)', () => {
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
    const [badSpeed, missing] = await Promise.all([
      run(['replay', 'fixtures/streams/malformed', '--speed', 'fast']),
      run(['replay', 'fixtures/streams/no-such-stream']),
    ]);
    expect(badSpeed.code).toBe(2);
    expect(badSpeed.stderr).toMatch(/--speed must be a positive number or "max"/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/stream directory fixtures\/streams\/no-such-stream/);
  });
});

describe('bellwether replay (CLI), interrupted', () => {
  it('stops a timed replay on SIGINT, prints how far it got and exits 0', async () => {
    const args = [
      '--log-level',
      'info',
      'replay',
      'fixtures/streams/calm-day',
      '--speed',
      '1',
      '--json',
    ];
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // At speed 1 the day-long stream cannot finish; interrupt once the first item is out.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`replay did not start; stderr: ${stderr}`)),
        30_000,
      );
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/replay: \d+\/\d+ published/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const summary = JSON.parse(stdout.trim());
    expect(summary.aborted).toBe(true);
    expect(summary.published).toBeLessThan(summary.expected.items);
  });
});

describe('bellwether ingest (CLI)', () => {
  it('--once polls each feed, isolating a failing one, and reports per feed', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/good') {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(
          '<rss version="2.0"><channel><item><guid>g1</guid><title>Pfizer wins approval</title></item></channel></rss>',
        );
      } else {
        res.writeHead(503).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const result = await run([
        'ingest',
        '--once',
        '--json',
        '--feed',
        `good=${base}/good`,
        '--feed',
        `down=${base}/down`,
      ]);
      expect(result.code).toBe(1);
      const { feeds } = JSON.parse(result.stdout.trim());
      expect(feeds).toEqual([
        { feed: 'down', status: 'error', error: expect.stringContaining('HTTP 503') },
        expect.objectContaining({ feed: 'good', status: 'ok', published: 1, rejected: 0 }),
      ]);
    } finally {
      server.close();
    }
  });

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
    expect(await response.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'accepted' },
        { index: 1, status: 'rejected' },
      ],
    });
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
