// The worker pool survives its threads: a killed worker is respawned, a hung one times out and is replaced,
// a failed start leaves no thread behind, and health (and the score stage's /ready) is red while none scores.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/metrics-scrape.ts';
import { waitFor } from '../../test/support/wait.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import { ServiceError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { StageCounters } from '../core/stage-counters.ts';
import { PipelineMetrics } from '../pipeline/metrics.ts';
import { serveStageEndpoints } from '../pipeline/stage-process.ts';
import { PoolWorker, scoreWorkerThread } from './pool-worker.ts';
import { WorkerPoolScorer } from './worker-pool-scorer.ts';

const MODEL = 'models/default';
const TEXTS = ['Acme beats estimates and raises guidance', 'Acme recalls cars after fatal crash'];

/** Answers "ready", then spins forever on the first request: a worker that hangs mid-batch. */
const HANGING_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ ready: true, backend: 'wasm' });
parentPort.on('message', () => { for (;;) {} });
`;

const threads: Worker[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await Promise.all(threads.splice(0).map((thread) => thread.terminate()));
});

/** Starts a pool whose threads the test can reach; `thread(slot, n)` picks the n-th thread of a slot. */
async function startPool(
  size: number,
  thread: (slot: number, n: number) => Worker = () => scoreWorkerThread(MODEL, 'wasm'),
  requestMs = 10_000,
) {
  const spawned = new Map<number, number>();
  const pool = await WorkerPoolScorer.start({
    modelVersion: 'test',
    backend: 'wasm',
    size,
    spawn: (slot) => {
      const n = spawned.get(slot) ?? 0;
      spawned.set(slot, n + 1);
      const started = thread(slot, n);
      threads.push(started);
      return PoolWorker.start(started, { startMs: 60_000, requestMs });
    },
    respawn: { baseMs: 300, maxMs: 300 },
    logger: silentLogger,
  });
  cleanups.push(() => pool.close());
  return pool;
}

async function serveReady(pool: WorkerPoolScorer): Promise<() => Promise<number>> {
  const bus = new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger);
  await bus.connect();
  cleanups.push(() => bus.close());
  const port = await freePort();
  // Wired as `bellwether score` wires it: the scorer's health check is one of /ready's checks.
  const server = await serveStageEndpoints({
    name: 'score',
    counters: new StageCounters(),
    metrics: new PipelineMetrics(),
    bus,
    checks: [() => pool.healthcheck()],
    host: '127.0.0.1',
    port,
    logger: silentLogger,
  });
  cleanups.push(async () => server?.close());
  return async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status;
}

describe('issue 14.9 — a crashed scoring worker is replaced', () => {
  it('respawns a killed worker thread: scoring recovers, and health and /ready are red while no worker can score', async () => {
    const pool = await startPool(1);
    const ready = await serveReady(pool);
    const before = await pool.scoreBatch(TEXTS);
    expect(await ready()).toBe(200);

    await threads[0]?.terminate();
    const down = await pool.healthcheck();
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(/exited/);
    expect(await ready()).toBe(503);
    await expect(pool.scoreBatch(TEXTS)).rejects.toMatchObject({ retriable: true });

    await waitFor(async () => (await pool.healthcheck()).ok, 20_000, 'a respawned worker');
    expect(threads).toHaveLength(2);
    expect(await ready()).toBe(200);
    expect(Array.from(await pool.scoreBatch(TEXTS))).toEqual(Array.from(before));
  }, 40_000);

  it('times out a hung request with a retriable error and replaces the hung worker', async () => {
    const pool = await startPool(
      1,
      (_, n) =>
        n === 0 ? new Worker(HANGING_WORKER, { eval: true }) : scoreWorkerThread(MODEL, 'wasm'),
      2_000,
    );
    const hung = threads[0];
    const exited = new Promise((resolve) => hung?.once('exit', resolve));
    const started = Date.now();
    const error = await pool.scoreBatch(TEXTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ retriable: true, message: /no answer within 2000 ms/ });
    expect(Date.now() - started).toBeLessThan(6_000);
    await exited;

    await waitFor(async () => (await pool.healthcheck()).ok, 20_000, 'a respawned worker');
    expect(await pool.scoreBatch(TEXTS)).toHaveLength(6);
  }, 40_000);

  it('closes the workers that started when another fails to start', async () => {
    const exited = new Set<Worker>();
    const start = startPool(3, (slot) => {
      const thread = scoreWorkerThread(slot === 1 ? 'models/no-such-model' : MODEL, 'wasm');
      thread.once('exit', () => exited.add(thread));
      return thread;
    });
    await expect(start).rejects.toThrow(/could not load the model/);
    expect(threads).toHaveLength(3);
    await waitFor(() => exited.size === 3, 10_000, 'every started worker to exit');
  }, 40_000);
});
