// Every committed fixture stream reads back exactly as its manifest says; the malformed one reports its faults.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from './manifest.ts';
import { readStream } from './read-stream.ts';

const root = join(import.meta.dirname, '../../../fixtures/streams');
const streams = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('fixture streams', () => {
  it('include the ones the project promises', () => {
    expect(streams).toEqual(expect.arrayContaining(['calm-day', 'malformed']));
    expect(streams.some((name) => name.startsWith('shock-'))).toBe(true);
  });

  it.each(streams)('%s: items, duplicates and rejections match the manifest', async (name) => {
    const dir = join(root, name);
    const manifest = await readManifest(dir);
    expect(manifest, `${name}/manifest.json`).toBeDefined();
    const stream = await readStream(dir);
    expect({
      items: stream.items.length,
      duplicates: stream.duplicates,
      rejected: stream.rejected,
    }).toEqual({
      items: manifest?.expected.items,
      duplicates: manifest?.expected.duplicates,
      rejected: manifest?.expected.rejected,
    });
    // Every file the manifest lists was read, and the kept entries add up to its entry counts.
    expect(Object.keys(stream.files).sort()).toEqual(Object.keys(manifest?.files ?? {}).sort());
    const entries = Object.values(manifest?.files ?? {}).reduce(
      (sum, file) => sum + file.entries,
      0,
    );
    const read = Object.values(stream.files).reduce(
      (sum, file) => sum + file.items + file.rejected,
      0,
    );
    expect(read).toBe(entries);
    expect(new Set(stream.items.map((item) => item.id)).size).toBe(stream.items.length);
  });

  it('malformed: every fault is reported, not thrown', async () => {
    const stream = await readStream(join(root, 'malformed'));
    const kinds = (kind: string) =>
      stream.problems.filter((p) => p.kind === kind).map((p) => p.where);
    expect(kinds('recovered').sort()).toEqual(['truncated-feed.atom.xml', 'truncated.rss.xml']);
    expect(kinds('charset').sort()).toEqual(['cp1252-wire.rss.xml', 'latin-label.rss.xml']);
    expect(kinds('rejected')).toHaveLength(stream.rejected);
    expect(kinds('truncated')).toEqual(['big-body.rss.xml#1']);
    expect(kinds('date').length).toBeGreaterThanOrEqual(4);
    const big = stream.items.find(
      (item) => item.source === 'big-body' && (item.summary?.length ?? 0) > 1_000,
    );
    expect(big?.summary?.length).toBeLessThanOrEqual(20_000);
    // Decoded in the right charset: no replacement characters and no UTF-8-read-as-Latin-1 debris.
    for (const item of stream.items) expect(item.title).not.toMatch(/\uFFFD|Ã|â€/);
    expect(stream.items.map((item) => item.title)).toEqual(
      expect.arrayContaining([
        'Nestlé rival PepsiCo lifts snack prices; volumes hold',
        'Citigroup to cut 2,000 jobs in restructuring — São Paulo hit',
        'AT&T shares rise after strong subscriber growth',
        'Johnson & Johnson settles talc claims for $6.5 billion',
        'Boeing delays 777X first delivery to next year.',
      ]),
    );
  });
});
