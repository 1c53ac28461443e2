// Replay onto the real memory bus: every item once, keyed by id, at its scaled time, and stoppable.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/memory/memory-bus.ts';
import type { BusMessage } from '../../core/bus.ts';
import { decodeNewsItem } from '../../core/codec.ts';
import { silentLogger } from '../../core/logger.ts';
import { type ReplayTimer, replayStream } from './replay-stream.ts';

let dir: string;
let bus: MemoryBus;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-replay-'));
  bus = new MemoryBus({ partitions: 2, capacity: 100 }, silentLogger);
  await bus.connect();
});
afterEach(async () => {
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

/** A stream of `n` items one minute apart, plus one duplicate and one bad line. */
async function writeStream(n: number): Promise<void> {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `n${i}`,
      title: `Headline ${i}`,
      publishedAt: new Date(Date.UTC(2024, 0, 1, 9, i)).toISOString(),
    }),
  );
  lines.push(lines[0] ?? '', 'nonsense');
  await writeFile(join(dir, 'tape.jsonl'), lines.join('\n'));
}

async function collect(topic: string, expected: number): Promise<BusMessage[]> {
  const got: BusMessage[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const sub = await bus.subscribe(
    { topic, group: 'test', maxBatchSize: 50, lingerMs: 0 },
    async (batch) => {
      got.push(...batch);
      if (got.length >= expected) done();
    },
  );
  await Promise.race([all, new Promise((r) => setTimeout(r, 5_000))]);
  await sub.close();
  return got;
}

/** A timer that never waits: it jumps ahead and records when each publish would have happened. */
function fakeTimer(): ReplayTimer & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('replayStream', () => {
  it('publishes every distinct item once at --speed max, keyed by id, with a fresh fetchedAt', async () => {
    await writeStream(600);
    const receiving = collect('news.raw', 600);
    const before = new Date().toISOString();
    const progress: number[] = [];
    const result = await replayStream({
      dir,
      bus,
      topic: 'news.raw',
      speed: 'max',
      batchSize: 256,
      onProgress: (p) => progress.push(p.published),
    });
    expect(result).toMatchObject({ published: 600, duplicates: 1, rejected: 1, aborted: false });
    expect(result.streamStart).toBe('2024-01-01T09:00:00.000Z');
    expect(progress).toEqual([256, 512, 600]);
    const messages = await receiving;
    expect(messages).toHaveLength(600);
    const items = messages.map((m) => decodeNewsItem(m.value));
    expect(new Set(items.map((i) => i.id)).size).toBe(600);
    expect(messages.every((m) => m.key === decodeNewsItem(m.value).id)).toBe(true);
    expect(
      items.every((i) => i.fetchedAt >= before && i.publishedAt.startsWith('2024-01-01')),
    ).toBe(true);
  });

  it('spaces items by their original gaps divided by speed', async () => {
    await writeStream(5);
    const timer = fakeTimer();
    const receiving = collect('news.raw', 5);
    const result = await replayStream({ dir, bus, topic: 'news.raw', speed: 60, timer });
    expect(result.published).toBe(5);
    // One minute apart at 60× = one second apart.
    expect(timer.sleeps).toEqual([1000, 1000, 1000, 1000]);
    expect(await receiving).toHaveLength(5);
  });

  it('stops at the abort signal, even while waiting for the next item, and says how far it got', async () => {
    await writeStream(5);
    const controller = new AbortController();
    const started = Date.now();
    // At speed 1 the second item is a minute away: the abort must cut that wait short.
    const result = await replayStream({
      dir,
      bus,
      topic: 'news.raw',
      speed: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.published === 1) setTimeout(() => controller.abort(), 50);
      },
    });
    expect(result).toMatchObject({ published: 1, aborted: true });
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
