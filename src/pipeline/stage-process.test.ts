// A stage process's /metrics reports its consumer group's lag from the bus, and survives a lag query that fails or hangs.
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/support/capture-logger.ts';
import { consumerLagIn, freePort } from '../../test/support/metrics-scrape.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import { silentLogger } from '../core/logger.ts';
import { StageCounters } from '../core/stage-counters.ts';
import { PipelineMetrics } from './metrics.ts';
import { groupLagGauge, serveStageEndpoints } from './stage-process.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('stage /metrics consumer lag', () => {
  it("serves the group's lag from the bus, and keeps serving (the last value) when the query fails", async () => {
    const bus = new MemoryBus({ partitions: 2, capacity: 1_000 }, silentLogger);
    await bus.connect();
    cleanups.push(() => bus.close());
    await bus.publish(
      'in',
      Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    );
    const { logger, lines } = captureLogger();
    const port = await freePort();
    const server = await serveStageEndpoints({
      name: 'score',
      counters: new StageCounters(),
      metrics: new PipelineMetrics(),
      bus,
      lag: { bus, topic: 'in', group: 'scorers' },
      host: '127.0.0.1',
      port,
      logger,
    });
    cleanups.push(async () => {
      server?.close();
    });
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      return { status: res.status, text: await res.text() };
    };

    const first = await scrape();
    expect(first.status).toBe(200);
    expect(consumerLagIn(first.text, 'score')).toBe(9);

    await bus.publish('in', [{ key: 'k0', value: 'more' }]);
    expect(consumerLagIn((await scrape()).text, 'score')).toBe(10);

    // A closed bus refuses the query: the scrape still answers, with the last value, and warns once.
    await bus.close();
    const failed = [await scrape(), await scrape()];
    for (const f of failed) {
      expect(f.status).toBe(200);
      expect(consumerLagIn(f.text, 'score')).toBe(10);
    }
    const complaints = lines.filter((l) => l.msg.includes('consumer lag query failed'));
    expect(complaints.map((l) => l.level)).toEqual([40, 20]);
  });

  it('gives up on a query that hangs, leaving the gauge unset, and shares it with the next scrape', async () => {
    let calls = 0;
    const hung = {
      lag: () => {
        calls++;
        return new Promise<number>(() => {});
      },
    };
    const metrics = new PipelineMetrics();
    const { logger, lines } = captureLogger();
    const refresh = groupLagGauge(
      'sink',
      { bus: hung, topic: 'in', group: 'g' },
      metrics,
      logger,
      50,
    );
    const started = Date.now();
    await refresh();
    await refresh();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toBe(1);
    expect(consumerLagIn(await metrics.registry.metrics(), 'sink')).toBeUndefined();
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
  });
});

describe('issue 14.11 — a stage endpoint that fails has an owner', () => {
  it('answers 500 and logs when a scrape throws, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(async () => {
      process.off('unhandledRejection', onUnhandled);
    });
    const { logger, lines } = captureLogger();
    const port = await freePort();
    const server = await serveStageEndpoints({
      name: 'sink',
      counters: new StageCounters(),
      metrics: new PipelineMetrics(),
      bus: { healthcheck: async () => ({ ok: true, detail: 'unused' }) },
      host: '127.0.0.1',
      port,
      logger,
      beforeScrape: () => {
        throw new Error('counters unreadable');
      },
    });
    cleanups.push(async () => {
      server?.close();
    });
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('counters unreadable');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'sink: /metrics failed',
        err: 'counters unreadable',
      }),
    );
    expect(unhandled).toEqual([]);
  });
});
