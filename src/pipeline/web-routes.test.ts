// The pipeline's dashboard server: what `run` serves is configured by the web slice of the config.
import { afterAll, describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import { webConfigSchema } from '../config/web.ts';
import { systemClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { StageCounters } from '../core/stage-counters.ts';
import type { WebServer } from './../web/server.ts';
import { PipelineMetrics } from './metrics.ts';
import { startPipelineWeb } from './web-routes.ts';

const store = fileEmbeddedStore('bellwether-web-routes-');
let server: WebServer | undefined;

afterAll(async () => {
  await server?.close();
});

/** Counts the snapshot events the live stream sends within `ms`. */
async function snapshotsWithin(url: string, ms: number): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, { signal: controller.signal });
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  let seen = 0;
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      const next = await Promise.race([
        reader?.read(),
        new Promise<undefined>((resolve) => setTimeout(resolve, deadline - Date.now())),
      ]);
      seen += (next?.value ?? '').split('event: snapshot').length - 1;
    }
  } finally {
    controller.abort();
  }
  return seen;
}

describe('the pipeline dashboard honours web.snapshotIntervalMs', () => {
  it('sends snapshots at the configured interval, not the 2 s default', async () => {
    server = await startPipelineWeb({
      config: webConfigSchema.parse({ port: 0, snapshotIntervalMs: 250 }),
      store: store(),
      bus: new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger),
      scorer: { healthcheck: async () => ({ ok: true, detail: 'test' }) },
      clock: systemClock,
      metrics: new PipelineMetrics(),
      progress: { ingested: () => 0, score: new StageCounters(), sink: new StageCounters() },
      logger: silentLogger,
    });
    // 250 ms apart: about 8 in two seconds; at the 2 s default, one or two.
    expect(await snapshotsWithin(server.url, 2_000)).toBeGreaterThanOrEqual(5);
  });
});
