// The partition log keeps offsets stable while it trims and compacts its storage underneath.
import { describe, expect, it } from 'vitest';
import { PartitionLog } from './partition-log.ts';
import { keyHash, Partitioner } from './partitioner.ts';

/** Message n, appended (by its stamp) at time n. */
const message = (n: number) => ({
  key: undefined,
  value: Buffer.from(String(n)),
  headers: {},
  appendedAt: n,
});
const values = (log: PartitionLog, from: number, limit: number) =>
  log.read(from, limit).map((m) => Number(m.value.toString()));

describe('PartitionLog', () => {
  it('addresses messages by offset across trims and compactions', () => {
    const log = new PartitionLog();
    for (let i = 0; i < 5_000; i++) expect(log.append(message(i))).toBe(i);
    // Trim in uneven steps, past the point where the backing array is compacted.
    for (const to of [1, 700, 1_500, 2_600, 2_600, 4_990]) {
      log.trimTo(to);
      expect(log.start).toBe(to);
      expect(log.size).toBe(5_000 - to);
      expect(values(log, to, 3)).toEqual([to, to + 1, to + 2].filter((v) => v < 5_000));
      expect(log.appendedAt(to)).toBe(to);
    }
    expect(log.appendedAt(0)).toBeUndefined();
    expect(log.appendedAt(5_000)).toBeUndefined();
    expect(values(log, 4_998, 10)).toEqual([4_998, 4_999]);
    // Appends after compaction continue the offsets.
    expect(log.append(message(5_000))).toBe(5_000);
    expect(log.end).toBe(5_001);
    // Reading before the start gives the oldest retained; trimming backwards does nothing.
    expect(values(log, 0, 1)).toEqual([4_990]);
    log.trimTo(10);
    expect(log.start).toBe(4_990);
    log.trimTo(99_999);
    expect(log.size).toBe(0);
    expect(log.start).toBe(5_001);
  });
});

describe('Partitioner', () => {
  it('sends a key to one partition always, spreads keys, and rotates unkeyed messages', () => {
    const p = new Partitioner(4);
    expect(p.partitionFor('AAPL')).toBe(p.partitionFor('AAPL'));
    expect(keyHash('AAPL')).toBe(keyHash('AAPL'));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4_000; i++) {
      const part = p.partitionFor(`ticker-${i}`);
      counts[part] = (counts[part] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    const unkeyed = new Set(Array.from({ length: 4 }, () => p.partitionFor(undefined)));
    expect(unkeyed.size).toBe(4);
  });
});
