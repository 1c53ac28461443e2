// A real `bellwether run` replaying a fixture: /metrics counters move while it runs, the backend is reported,
// /health and /ready answer with the bus, store and scorer checks, and SIGINT ends it with exit code 0.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-metrics-'));
let child: ChildProcess;
let exited: Promise<number | null>;
let stderr = '';

/** The dashboard URL from the JSON log line "dashboard ready" (stderr is not a TTY, so logs are JSON). */
function waitForUrl(timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "dashboard ready" line in ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      // Only complete lines: a chunk can end mid-line.
      for (const line of stderr.split('\n').slice(0, -1)) {
        if (!line.includes('"dashboard ready"')) continue;
        const { url } = JSON.parse(line) as { url?: string };
        if (!url) continue;
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stderr?.on('data', (more: Buffer) => {
          stderr += more.toString();
        });
        resolve(url);
        return;
      }
    };
    child.stderr?.on('data', onData);
    child.once('close', (code) => reject(new Error(`run exited (${code}) early:\n${stderr}`)));
  });
}

/** One sample's value from Prometheus text format, by exact name and label set. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${series} `)) continue;
    return Number(line.slice(series.length + 1));
  }
  return undefined;
}

const SCORED = 'bellwether_items_in_total{stage="score"}';
const STORED = 'bellwether_items_in_total{stage="sink"}';

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let url = '';
beforeAll(async () => {
  // 1800x: the fixture's day lasts about 48 s, so items keep arriving through the whole test.
  child = startCli(
    ['run', '--replay', 'fixtures/streams/calm-day', '--speed', '1800', '--port', '0'],
    { BELLWETHER_STORE_PATH: dataDir, BELLWETHER_LOG_LEVEL: 'info' },
  );
  exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  url = await waitForUrl(50_000);
}, 55_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('bellwether run: metrics, health and readiness during a replay', () => {
  it('counts scored and stored items, and they keep rising', async () => {
    // Wait (bounded) for the first stored items, then take two scrapes a few seconds apart.
    let first = '';
    for (let i = 0; i < 80; i += 1) {
      first = await scrape(url);
      if ((sample(first, STORED) ?? 0) > 0) break;
      await sleep(250);
    }
    expect(sample(first, STORED), first).toBeGreaterThan(0);
    await sleep(3_000);
    const second = await scrape(url);
    expect(sample(second, SCORED)).toBeGreaterThan(sample(first, SCORED) ?? 0);
    expect(sample(second, STORED)).toBeGreaterThan(sample(first, STORED) ?? 0);
    // Nothing in this fixture is malformed: no dead letters.
    expect(sample(second, 'bellwether_dlq_total{stage="score"}')).toBe(0);
    // Scored batches were timed; the histogram's count grows with them.
    expect(sample(second, 'bellwether_scoring_seconds_count')).toBeGreaterThan(0);
    expect(sample(second, 'bellwether_store_write_seconds_count')).toBeGreaterThan(0);
  });

  it('reports the model backend and version in use', async () => {
    const text = await scrape(url);
    const line = text.split('\n').find((l) => l.startsWith('bellwether_model_backend_info{'));
    expect(line, text).toMatch(
      /backend="(tensorflow-gpu|tensorflow|wasm|cpu)",model_version="[^"]+"} 1$/,
    );
  });

  it('answers /health and /ready with the bus, store and scorer checks', async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      ok: boolean;
      bus: { ok: boolean };
      store: { ok: boolean };
      scorer: { ok: boolean };
      entities: { ok: boolean; detail: string };
      degraded: boolean;
    };
    // Entity scoring (on by default) is its own component (issue 15 item 5), probed through its worker.
    expect(body).toMatchObject({
      ok: true,
      bus: { ok: true },
      store: { ok: true },
      scorer: { ok: true },
      entities: { ok: true },
      degraded: false,
    });
    expect(body.entities.detail).toMatch(/scores a two-company headline|busy scoring/);
  });

  it('stops on SIGINT with exit code 0', async () => {
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
    expect(code, stderr.slice(-2000)).toBe(0);
  }, 35_000);
});
