import { describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { scoredItem } from '../../test/support/news.ts';
import { waitFor } from '../../test/support/wait.ts';
import { DEAD_LETTER_HEADERS } from '../bus/dead-letter.ts';
import { MemoryBus } from '../bus/memory/memory-bus.ts';
import type { BusMessage } from '../core/bus.ts';
import { encodeItem } from '../core/codec.ts';
import { BellwetherError, ServiceError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store } from '../core/store.ts';
import { type ScoredItemWriter, SinkStage } from './sink-stage.ts';

/** Wraps the real store to inject faults: an outage of N writes, or rows the store refuses. */
class FaultyWriter implements ScoredItemWriter {
  outageWrites = 0;
  attempts = 0;
  refuseId: string | undefined;
  constructor(private readonly store: Store) {}
  async writeScored(items: readonly ScoredItem[]) {
    this.attempts += 1;
    if (this.outageWrites > 0) {
      this.outageWrites -= 1;
      throw new ServiceError('store', 'connection refused');
    }
    if (this.refuseId && items.some((item) => item.id === this.refuseId)) {
      throw new BellwetherError('STORE_REJECTED', 'value out of range for column');
    }
    return this.store.writeScored(items);
  }
}

const testStore = fileEmbeddedStore('bellwether-sink-');

async function runSink(
  writer: ScoredItemWriter,
  publish: (bus: MemoryBus) => Promise<void>,
  until: (stage: SinkStage, dead: BusMessage[]) => boolean,
) {
  const bus = new MemoryBus(
    { partitions: 2, capacity: 10_000, topics: ['scored', 'dlq'] },
    silentLogger,
  );
  await bus.connect();
  const dead: BusMessage[] = [];
  await bus.subscribe(
    { topic: 'dlq', group: 'probe', maxBatchSize: 100, lingerMs: 1 },
    async (batch) => {
      dead.push(...batch);
    },
  );
  const stage = new SinkStage({
    bus,
    store: writer,
    inputTopic: 'scored',
    dlqTopic: 'dlq',
    group: 'sink',
    maxBatchSize: 500,
    lingerMs: 5,
    logger: silentLogger,
  });
  await stage.start();
  await publish(bus);
  await waitFor(() => until(stage, dead), 20_000, 'sink progress');
  await stage.stop();
  await bus.close();
  return { stage, dead };
}

const publishItems = (items: readonly ScoredItem[]) => async (bus: MemoryBus) => {
  await bus.publish(
    'scored',
    items.map((item) => ({ key: item.id, value: encodeItem(item) })),
  );
};

describe('SinkStage on the embedded store', () => {
  it('stores a batch once, and a redelivery of the same items changes no count', async () => {
    const items = Array.from({ length: 300 }, (_, n) =>
      scoredItem(n, { id: `once-${n}`, modelVersion: 'sink-a' }),
    );
    const first = await runSink(
      new FaultyWriter(testStore()),
      publishItems(items),
      (s) => s.counters.received === 300,
    );
    expect(first.stage.counters.emitted).toBe(300);
    const counts = await testStore().topicCounts({
      fromMs: 0,
      toMs: Date.UTC(2030, 0),
      modelVersion: 'sink-a',
      kinds: ['ticker'],
    });

    const again = await runSink(
      new FaultyWriter(testStore()),
      publishItems(items.slice(100)),
      (s) => s.counters.received === 200,
    );
    expect(again.stage.counters.emitted).toBe(0);
    expect(again.stage.counters.duplicates).toBe(200);
    expect(await testStore().itemCount('sink-a')).toBe(300);
    expect(
      await testStore().topicCounts({
        fromMs: 0,
        toMs: Date.UTC(2030, 0),
        modelVersion: 'sink-a',
        kinds: ['ticker'],
      }),
    ).toEqual(counts);
    expect(counts[0]?.count).toBe(300);
  });

  it('retries while the store is down, holding the batch, and loses nothing', async () => {
    const writer = new FaultyWriter(testStore());
    writer.outageWrites = 3;
    const items = Array.from({ length: 50 }, (_, n) =>
      scoredItem(n, { id: `outage-${n}`, modelVersion: 'sink-b' }),
    );
    const { stage } = await runSink(writer, publishItems(items), (s) => s.counters.received === 50);
    expect(stage.counters.failedBatches).toBeGreaterThanOrEqual(3);
    expect(stage.counters.emitted).toBe(50);
    expect(await testStore().itemCount('sink-b')).toBe(50);
  });

  it('sends undecodable messages and rows the store refuses to the DLQ, and stores the rest', async () => {
    const writer = new FaultyWriter(testStore());
    writer.refuseId = 'poison-3';
    const items = Array.from({ length: 6 }, (_, n) =>
      scoredItem(n, { id: `poison-${n}`, modelVersion: 'sink-c' }),
    );
    const { stage, dead } = await runSink(
      writer,
      async (bus) => {
        await publishItems(items)(bus);
        await bus.publish('scored', [
          { key: 'bad', value: JSON.stringify({ id: 'x', label: 'meh' }) },
        ]);
      },
      (s, d) => s.counters.received === 7 && d.length === 2,
    );
    expect(await testStore().itemCount('sink-c')).toBe(5);
    expect(stage.counters.deadLettered).toBe(2);
    const reasons = dead
      .map((message) => message.headers[DEAD_LETTER_HEADERS.error] ?? '')
      .join('\n');
    expect(reasons).toMatch(/store rejected item/);
    expect(reasons).toMatch(/ScoredItem/);
  });
});
