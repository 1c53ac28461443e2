// StageStartup: waits out retriable connect failures with backoff, reports them on /ready meanwhile, gives up at once on the rest.
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/support/capture-logger.ts';
import { ServiceError } from '../core/errors.ts';
import { StageStartup } from './stage-startup.ts';

const FAST = { baseMs: 5, maxMs: 20 };

/** A connect that is refused `refusals` times (as by a server not up yet), then succeeds. */
function serviceUpAfter(refusals: number): { connect: () => Promise<void>; calls: () => number } {
  let calls = 0;
  return {
    connect: async () => {
      calls++;
      if (calls <= refusals)
        throw new ServiceError('clickhouse', 'create database: connect ECONNREFUSED');
    },
    calls: () => calls,
  };
}

describe('issue 14.17 — StageStartup waits for a service that is down instead of failing the stage', () => {
  it('retries a refused connect until it succeeds, not ready until the stage has started', async () => {
    const { logger, lines } = captureLogger();
    const startup = new StageStartup('sink', logger, new AbortController().signal, FAST);
    const store = serviceUpAfter(3);
    const seen: string[] = [];
    const connecting = startup.connect('store', async () => {
      seen.push((await startup.check()).detail);
      await store.connect();
    });
    expect(await connecting).toBe(true);
    expect(store.calls()).toBe(4);
    expect(seen.at(-1)).toMatch(/^sink: connecting to the store$/);
    const waiting = await startup.check();
    expect(waiting.ok).toBe(false);
    startup.started();
    expect(await startup.check()).toEqual({ ok: true, detail: 'sink: started' });
    expect(lines.filter((l) => l.msg === 'sink: store unreachable; waiting for it')).toHaveLength(
      3,
    );
    expect(lines.some((l) => l.msg === 'sink: store up' && l.failures === 3)).toBe(true);
  });

  it('reports the reason it waits on /ready while the service stays down', async () => {
    const { logger } = captureLogger();
    const abort = new AbortController();
    const startup = new StageStartup('sink', logger, abort.signal, FAST);
    const store = serviceUpAfter(Number.POSITIVE_INFINITY);
    const connecting = startup.connect('store', store.connect);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const health = await startup.check();
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/^sink: waiting for the store \(\d+ attempts\): .*ECONNREFUSED/);
    abort.abort();
    expect(await connecting).toBe(false);
    expect((await startup.check()).ok).toBe(false);
  });

  it('throws a failure retrying cannot mend (a data dir held by another process) at the first attempt', async () => {
    const { logger } = captureLogger();
    const startup = new StageStartup('alerts', logger, new AbortController().signal, FAST);
    let calls = 0;
    const held = new ServiceError('store', 'embedded data dir /data is in use by process 42', {
      retriable: false,
    });
    const refused = startup.connect('store', async () => {
      calls++;
      throw held;
    });
    await expect(refused).rejects.toBe(held);
    expect(calls).toBe(1);
  });

  it('does not try at all once shutdown was asked for', async () => {
    const { logger } = captureLogger();
    const abort = new AbortController();
    abort.abort();
    const startup = new StageStartup('score', logger, abort.signal, FAST);
    const bus = serviceUpAfter(0);
    expect(await startup.connect('bus', bus.connect)).toBe(false);
    expect(bus.calls()).toBe(0);
  });
});
