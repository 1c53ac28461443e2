// Runs the Bus contract on the memory adapter, plus what only it promises: bounded memory under backpressure.
import { describe, expect, it } from 'vitest';
import { runBusContract } from '../../../test/contracts/bus-contract.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { sleep } from '../../core/backoff.ts';
import { silentLogger } from '../../core/logger.ts';
import { MemoryBus } from './memory-bus.ts';

runBusContract(
  'memory',
  async () =>
    new MemoryBus(
      { partitions: 4, capacity: 1_000, backoff: { baseMs: 20, maxMs: 200 } },
      silentLogger,
    ),
);

describe('memory bus backpressure', () => {
  it('keeps a stalled group bounded, blocks the publisher, then delivers everything once resumed', async () => {
    const capacity = 50;
    const bus = new MemoryBus({ partitions: 3, capacity }, silentLogger);
    await bus.connect();
    await bus.ensureTopics([{ name: 'bp', partitions: 3 }]);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received: string[] = [];
    const sub = await bus.subscribe(
      { topic: 'bp', group: 'slow', maxBatchSize: 10, lingerMs: 0 },
      async (batch) => {
        await gate;
        received.push(...batch.map((m) => m.value.toString()));
      },
    );

    const total = 500;
    let published = 0;
    const publishing = (async () => {
      for (let i = 0; i < total; i += 20) {
        const chunk = Array.from({ length: Math.min(20, total - i) }, (_, j) => ({
          key: `k${(i + j) % 7}`,
          value: String(i + j),
        }));
        await bus.publish('bp', chunk);
        published += chunk.length;
      }
    })();

    await waitFor(() => (bus.stats('bp')?.retained ?? 0) >= capacity, 5_000, 'the topic to fill');
    const publishedWhenFull = published;
    await sleep(300);
    // Stalled: nothing more got in, the publisher is still waiting, memory stayed at the bound.
    expect(published).toBe(publishedWhenFull);
    expect(published).toBeLessThan(total);
    expect(bus.stats('bp')?.retained).toBe(capacity);
    expect(bus.stats('bp')?.peakRetained).toBeLessThanOrEqual(capacity);
    expect(received).toHaveLength(0);

    release();
    await publishing;
    await waitFor(() => received.length >= total, 10_000, 'every message after resuming');
    expect(received.map(Number).sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
    expect(bus.stats('bp')?.peakRetained).toBeLessThanOrEqual(capacity);
    await waitFor(() => bus.stats('bp')?.retained === 0, 2_000, 'the log to be trimmed');
    await sub.close();
    await bus.close();
  });

  it('follows the slowest of several groups', async () => {
    const bus = new MemoryBus({ partitions: 2, capacity: 30 }, silentLogger);
    await bus.connect();
    let fastCount = 0;
    let slowCount = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await bus.subscribe({ topic: 't', group: 'fast', maxBatchSize: 5, lingerMs: 0 }, async (b) => {
      fastCount += b.length;
    });
    await bus.subscribe({ topic: 't', group: 'slow', maxBatchSize: 5, lingerMs: 0 }, async (b) => {
      await gate;
      slowCount += b.length;
    });
    const done = bus.publish(
      't',
      Array.from({ length: 100 }, (_, i) => ({ key: String(i), value: String(i) })),
    );
    await waitFor(() => fastCount >= 30, 5_000, 'the fast group to catch up with the bound');
    await sleep(200);
    expect(fastCount).toBe(30);
    expect(bus.stats('t')?.retained).toBe(30);
    release();
    await done;
    await waitFor(() => fastCount === 100 && slowCount === 100, 5_000, 'both groups');
    expect(bus.stats('t')?.peakRetained).toBeLessThanOrEqual(30);
    await bus.close();
  });

  it('keeps only the newest messages of a topic nobody consumes, without blocking', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger);
    await bus.connect();
    await bus.publish(
      'dlq',
      Array.from({ length: 25 }, (_, i) => ({ value: String(i) })),
    );
    expect(bus.stats('dlq')).toMatchObject({ retained: 10, published: 25, overwritten: 15 });
    const got: string[] = [];
    await bus.subscribe(
      { topic: 'dlq', group: 'late', maxBatchSize: 100, lingerMs: 0 },
      async (b) => {
        got.push(...b.map((m) => m.value.toString()));
      },
    );
    await waitFor(() => got.length >= 10, 2_000, 'the retained messages');
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => String(15 + i)));
    await bus.close();
  });

  it('does not let a group whose consumers all left hold publishers back', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger);
    await bus.connect();
    const first = await bus.subscribe(
      { topic: 't', group: 'gone', maxBatchSize: 100, lingerMs: 0 },
      async () => {},
    );
    await first.close();
    const live: string[] = [];
    await bus.subscribe(
      { topic: 't', group: 'live', maxBatchSize: 100, lingerMs: 0 },
      async (b) => {
        live.push(...b.map((m) => m.value.toString()));
      },
    );
    const values = Array.from({ length: 40 }, (_, i) => String(i));
    // Would wait forever if the absent group's backlog counted.
    await bus.publish(
      't',
      values.map((value) => ({ value })),
    );
    await waitFor(() => live.length === 40, 5_000, 'the live group');
    expect(live).toEqual(values);
    expect(bus.stats('t')?.peakRetained).toBeLessThanOrEqual(10);
    expect(bus.stats('t')?.overwritten).toBeGreaterThan(0);

    // The absent group comes back and resumes from what is still retained, with true offsets.
    const back: { value: string; offset: string }[] = [];
    await bus.subscribe(
      { topic: 't', group: 'gone', maxBatchSize: 100, lingerMs: 0 },
      async (b) => {
        back.push(...b.map((m) => ({ value: m.value.toString(), offset: m.offset })));
      },
    );
    await bus.publish('t', [{ value: '40' }]);
    await waitFor(() => back.some((m) => m.value === '40'), 5_000, 'the returning group');
    for (const m of back) expect(m.offset).toBe(m.value);
    expect(back.length).toBeLessThanOrEqual(11);
    await bus.close();
  });

  it('fails a publisher waiting on a full topic when the bus closes, and refuses work after', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 5 }, silentLogger);
    await bus.connect();
    await bus.subscribe({ topic: 't', group: 'stuck', maxBatchSize: 1, lingerMs: 0 }, async () => {
      throw new Error('never succeeds');
    });
    const publishing = bus.publish(
      't',
      Array.from({ length: 10 }, (_, i) => ({ value: String(i) })),
    );
    await waitFor(() => bus.stats('t')?.retained === 5, 2_000, 'the topic to fill');
    await bus.close();
    await expect(publishing).rejects.toThrow(/closed/);
    await expect(bus.publish('t', [{ value: 'x' }])).rejects.toThrow(/closed/);
    expect((await bus.healthcheck()).ok).toBe(false);
  });

  it('holds a partial batch for lingerMs so bursts are handed over together', async () => {
    const bus = new MemoryBus({ partitions: 1, capacity: 100 }, silentLogger);
    await bus.connect();
    const sizes: number[] = [];
    await bus.subscribe({ topic: 't', group: 'g', maxBatchSize: 50, lingerMs: 300 }, async (b) => {
      sizes.push(b.length);
    });
    for (let i = 0; i < 5; i++) {
      await bus.publish('t', [{ value: String(i) }]);
      await sleep(20);
    }
    await waitFor(() => sizes.reduce((a, b) => a + b, 0) >= 5, 3_000, 'five messages');
    expect(sizes).toEqual([5]);
    await bus.close();
  });

  it('hands a partial batch over at once when its subscriber expects no more, without waiting out lingerMs', async () => {
    // The end of a replay: the scorer has taken the last input, so the sink's last rows cannot be joined by
    // more; holding them for the linger only delayed the end of every finite run.
    const bus = new MemoryBus({ partitions: 1, capacity: 100 }, silentLogger);
    await bus.connect();
    let more = true;
    const handed: { size: number; at: number }[] = [];
    await bus.subscribe(
      { topic: 't', group: 'g', maxBatchSize: 50, lingerMs: 60_000, moreExpected: () => more },
      async (b) => {
        handed.push({ size: b.length, at: performance.now() });
      },
    );
    await bus.publish('t', [{ value: 'a' }, { value: 'b' }]);
    await sleep(300);
    // Still expecting more: held for the linger.
    expect(handed).toHaveLength(0);
    // Turning false with no new message is enough: the consumer asks again while it lingers.
    const turned = performance.now();
    more = false;
    await waitFor(() => handed.length === 1, 5_000, 'the held batch');
    expect(handed[0]?.size).toBe(2);
    expect((handed[0]?.at ?? Number.NaN) - turned).toBeLessThan(1_000);
    await bus.publish('t', [{ value: 'c' }]);
    await waitFor(() => handed.length === 2, 5_000, 'the next message, not held at all');
    expect(handed[1]?.size).toBe(1);
    await bus.close();
  });

  it('counts the linger from when a message arrived: one that waited out a slow batch is not held a full linger more', async () => {
    // The sink's case: messages that arrive while a batch is being stored have waited by the time the
    // consumer looks again. Before, it opened a fresh linger then, so they waited the handling and the
    // whole linger again (here about 600 + 500 ms) instead of at most the longer of the two.
    const bus = new MemoryBus({ partitions: 1, capacity: 100 }, silentLogger);
    await bus.connect();
    const handed: { value: string; at: number }[] = [];
    await bus.subscribe({ topic: 't', group: 'g', maxBatchSize: 50, lingerMs: 500 }, async (b) => {
      const at = performance.now();
      handed.push(...b.map((m) => ({ value: m.value.toString(), at })));
      if (b.some((m) => m.value.toString() === 'first')) await sleep(600);
    });
    await bus.publish('t', [{ value: 'first' }]);
    await waitFor(() => handed.length === 1, 3_000, 'the first message');
    await sleep(100);
    const publishedAt = performance.now();
    await bus.publish('t', [{ value: 'second' }]);
    await waitFor(() => handed.length === 2, 5_000, 'the second message');
    const waited = (handed[1]?.at ?? Number.NaN) - publishedAt;
    // Handed over when the slow batch is done (about 500 ms after it was published), not ~1,000 ms.
    expect(waited).toBeLessThan(800);
    await bus.close();
  });
});
