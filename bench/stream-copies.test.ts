// bench:pipeline --copies: n copies of a stream replay as n times its entries, none taken for another copy's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStream } from '../src/ingest/replay/read-stream.ts';
import { copyStream } from './stream-copies.ts';

const STREAM = 'fixtures/streams/shock-ba';
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('copyStream', () => {
  it('makes every copy a source of its own: n times the entries, no item taken for another copy’s', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-stream-copies-'));
    const original = await readStream(STREAM);
    const copied = await readStream(await copyStream(STREAM, 3, dir));
    expect(copied.items.length + copied.duplicates).toBe(
      3 * (original.items.length + original.duplicates),
    );
    expect(copied.items.length).toBeGreaterThanOrEqual(3 * original.items.length);
    const sources = new Set(copied.items.map((item) => item.source));
    for (const k of [1, 2, 3]) expect(sources).toContain(`northwire-${k}`);
  });

  it('refuses a count that is not a whole number of at least 1', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-stream-copies-'));
    await expect(copyStream(STREAM, 0, dir)).rejects.toThrow(/at least 1/);
  });
});
