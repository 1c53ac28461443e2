// Dead letters keep the poison message's bytes and key, and say where and why it failed.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.ts';
import type { BusMessage } from '../core/bus.ts';
import { silentLogger } from '../core/logger.ts';
import { DEAD_LETTER_HEADERS, deadLetter, readDeadLetter } from './dead-letter.ts';
import { MemoryBus } from './memory/memory-bus.ts';

const poison: BusMessage = {
  topic: 'news.raw',
  partition: 3,
  offset: '9007199254740993',
  key: 'AAPL',
  value: Buffer.from([0x7b, 0xff, 0x00, 0x22]),
  headers: { 'content-type': 'application/json' },
};

describe('deadLetter', () => {
  it('carries the original key and payload unchanged, with the failure headers', () => {
    const at = new Date('2026-03-02T10:15:00.000Z');
    const out = deadLetter(poison, 'scorer', 'NewsItem: title: Required', at);
    expect(out.key).toBe('AAPL');
    expect(Buffer.from(out.value).equals(poison.value)).toBe(true);
    expect(out.headers).toEqual({
      'content-type': 'application/json',
      'x-bellwether-error': 'NewsItem: title: Required',
      'x-bellwether-stage': 'scorer',
      'x-bellwether-source-topic': 'news.raw',
      'x-bellwether-source-partition': '3',
      'x-bellwether-source-offset': '9007199254740993',
      'x-bellwether-failed-at': '2026-03-02T10:15:00.000Z',
    });
    expect(readDeadLetter(out.headers ?? {})).toEqual({
      error: 'NewsItem: title: Required',
      stage: 'scorer',
      sourceTopic: 'news.raw',
      sourcePartition: 3,
      sourceOffset: '9007199254740993',
      failedAt: '2026-03-02T10:15:00.000Z',
    });
  });

  it('shortens a huge reason and reads plain messages as not dead letters', () => {
    const out = deadLetter(poison, 'sink', 'x'.repeat(10_000));
    expect(out.headers?.[DEAD_LETTER_HEADERS.error]?.length).toBeLessThanOrEqual(2_001);
    expect(readDeadLetter(poison.headers)).toBeUndefined();
  });

  it('round-trips through a bus to the DLQ topic', async () => {
    const bus = new MemoryBus({ partitions: 2, capacity: 100 }, silentLogger);
    await bus.connect();
    await bus.publish('news.dlq', [deadLetter(poison, 'scorer', 'bad json')]);
    const got: BusMessage[] = [];
    await bus.subscribe(
      { topic: 'news.dlq', group: 'dlq-reader', maxBatchSize: 10, lingerMs: 0 },
      async (b) => {
        got.push(...b);
      },
    );
    await waitFor(() => got.length === 1, 2_000, 'the dead letter');
    expect(got[0]?.value.equals(poison.value)).toBe(true);
    expect(got[0]?.key).toBe('AAPL');
    expect(readDeadLetter(got[0]?.headers ?? {})?.stage).toBe('scorer');
    await bus.close();
  });
});
