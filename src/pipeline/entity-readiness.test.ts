// Issue 15 item 5: entity scoring is its own component in the scoring stages' /ready — `score`'s stage endpoints
// and `run`'s dashboard server. With its worker killed the stage stays ready (items are still stored, with the
// headline's score) but says it is degraded and why.
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { freePort } from '../../test/support/metrics-scrape.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import { webConfigSchema } from '../config/web.ts';
import { systemClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { StageCounters } from '../core/stage-counters.ts';
import {
  createEntityWorkerScorer,
  type EntityWorkerScorer,
  entityWorkerThread,
} from '../model/entity/entity-worker-scorer.ts';
import { PipelineMetrics } from './metrics.ts';
import { serveStageEndpoints } from './stage-process.ts';
import { startPipelineWeb } from './web-routes.ts';

const store = fileEmbeddedStore('bellwether-entity-readiness-');
const bus = new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger);
const threads: Worker[] = [];
const closers: (() => Promise<unknown>)[] = [];
let scorer: EntityWorkerScorer;
let stageUrl: string;
let webUrl: string;

beforeAll(async () => {
  await bus.connect();
  closers.push(() => bus.close());
  scorer = await createEntityWorkerScorer({
    dir: 'models/entity',
    backend: 'wasm',
    logger: silentLogger,
    thread: (dir, backend) => {
      const thread = entityWorkerThread(dir, backend);
      threads.push(thread);
      return thread;
    },
    // Stays down for the test once killed.
    respawn: { baseMs: 600_000, maxMs: 600_000 },
  });
  closers.push(() => scorer.close());
  const port = await freePort();
  const stage = await serveStageEndpoints({
    name: 'score',
    counters: new StageCounters(),
    metrics: new PipelineMetrics(),
    bus,
    checks: [async () => ({ ok: true, detail: 'sentiment model scores' })],
    entities: scorer,
    host: '127.0.0.1',
    port,
    logger: silentLogger,
  });
  closers.push(async () => stage?.close());
  stageUrl = `http://127.0.0.1:${port}`;
  const web = await startPipelineWeb({
    config: webConfigSchema.parse({ port: 0 }),
    store: store(),
    bus,
    scorer: { healthcheck: async () => ({ ok: true, detail: 'sentiment model scores' }) },
    entities: scorer,
    clock: systemClock,
    metrics: new PipelineMetrics(),
    progress: { ingested: () => 0, score: new StageCounters(), sink: new StageCounters() },
    logger: silentLogger,
  });
  closers.push(() => web.close());
  webUrl = web.url;
}, 300_000);

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Ready {
  ok: boolean;
  degraded: boolean;
  entities?: { ok: boolean; detail: string };
}

async function ready(url: string): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`${url}/ready`);
  return { status: res.status, body: (await res.json()) as Ready };
}

describe('issue 15 item 5 — entity scoring in /ready', () => {
  it('reports the entity scorer up, then degraded (still ready) once its worker is killed', async () => {
    for (const url of [stageUrl, webUrl]) {
      const up = await ready(url);
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ ok: true, degraded: false, entities: { ok: true } });
    }
    await threads[0]?.terminate();
    for (const url of [stageUrl, webUrl]) {
      const down = await ready(url);
      expect(down.status).toBe(200);
      expect(down.body.ok).toBe(true);
      expect(down.body.degraded).toBe(true);
      expect(down.body.entities?.ok).toBe(false);
      expect(down.body.entities?.detail).toMatch(/no scoring worker is up/);
    }
  }, 120_000);
});
