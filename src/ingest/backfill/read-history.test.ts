// History input for backfill: CSV (two column layouts), JSONL, directories of mixed files, chunks, dedup, progress.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewsItem } from '../../core/news.ts';
import { type HistoryChunk, readHistory } from './read-history.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fetchedAt = '2030-01-01T00:00:00.000Z';

async function readAll(path: string, chunkSize = 1_000) {
  const reader = readHistory(path, { chunkSize, fetchedAt });
  const chunks: HistoryChunk[] = [];
  for await (const chunk of reader) chunks.push(chunk);
  const items: NewsItem[] = chunks.flatMap((c) => c.items);
  return { reader, chunks, items };
}

describe('readHistory', () => {
  it('reads a labelled text,label CSV with quoted multi-line fields; undated rows take the ingest time', async () => {
    const path = join(dir, 'labelled.csv');
    await writeFile(
      path,
      'text,label\n"$TSLA recalls 2,000 cars,\nshares fall",negative\nApple beats estimates,positive\n,neutral\n"Apple beats   estimates",positive\n"unterminated,neutral\n',
    );
    const { reader, items, chunks } = await readAll(path);
    expect(items.map((i) => i.title)).toEqual([
      '$TSLA recalls 2,000 cars, shares fall',
      'Apple beats estimates',
    ]);
    expect(items.every((i) => i.source === 'labelled' && i.publishedAt === fetchedAt)).toBe(true);
    expect(reader.progress).toMatchObject({
      items: 2,
      duplicates: 1,
      rejected: 2,
      files: 1,
      filesDone: 1,
    });
    expect(reader.progress.bytesDone).toBe(reader.progress.bytesTotal);
    const problems = chunks.flatMap((c) => c.problems).filter((p) => p.kind === 'rejected');
    expect(problems.map((p) => p.where)).toEqual(['labelled.csv:5', 'labelled.csv:7']);
  });

  it('reads a news-export CSV with title, url, source and publishedAt columns in any order', async () => {
    const path = join(dir, 'export.csv');
    await writeFile(
      path,
      'PublishedAt,Source,Title,URL,ignored\n2024-02-01T10:00:00Z,wire,Nvidia rallies,https://x.example/n?utm_source=a,1\n2024-02-01T11:00:00Z,,Intel slides,,2\n',
    );
    const { items } = await readAll(path);
    expect(items).toEqual([
      expect.objectContaining({
        id: 'u2:wire:https://x.example/n',
        source: 'wire',
        publishedAt: '2024-02-01T10:00:00.000Z',
      }),
      expect.objectContaining({
        title: 'Intel slides',
        source: 'export',
        publishedAt: '2024-02-01T11:00:00.000Z',
      }),
    ]);
  });

  it('reports a CSV without a text column, naming the header, and reads nothing from it', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'foo,label\nx,positive\n');
    const { items, chunks } = await readAll(path);
    expect(items).toEqual([]);
    expect(chunks.flatMap((c) => c.problems)).toEqual([
      {
        kind: 'unreadable',
        where: 'bad.csv',
        message: 'header "foo,label" has no text column (title, text, headline or summary)',
      },
    ]);
  });

  it('reads JSONL (title or text) in chunks, and a directory of mixed files with dedup across them', async () => {
    const lines = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({ text: `Headline ${i}`, label: 'neutral' }),
    );
    lines.splice(3, 0, '{oops');
    await writeFile(join(dir, 'a.jsonl'), lines.join('\n'));
    await writeFile(join(dir, 'b.csv'), 'title\nHeadline 0\nHeadline 99\n');
    await writeFile(
      join(dir, 'c.rss.xml'),
      '<rss version="2.0"><channel><item><guid>r1</guid><title>From a feed</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item></channel></rss>',
    );
    await writeFile(join(dir, 'notes.txt'), 'skipped');

    const single = await readAll(join(dir, 'a.jsonl'), 10);
    expect(single.chunks.map((c) => c.items.length)).toEqual([10, 10, 5]);
    expect(single.reader.progress.rejected).toBe(1);

    const all = await readAll(dir, 10);
    // "Headline 0" in b.csv has source "b", so its hash id differs from a.jsonl's: not a duplicate.
    expect(all.items).toHaveLength(25 + 2 + 1);
    expect(all.reader.progress).toMatchObject({
      files: 3,
      filesDone: 3,
      rejected: 1,
      duplicates: 0,
    });
    expect(all.items.at(-1)).toMatchObject({
      id: 'g2:c:r1',
      source: 'c',
      publishedAt: '2024-01-01T10:00:00.000Z',
    });
  });

  it('drops items a source repeats across files; another source numbering alike keeps its own (issue 14.1)', async () => {
    await writeFile(
      join(dir, 'one.jsonl'),
      '{"id":"x1","title":"Same story"}\n{"id":"x2","title":"Other"}\n',
    );
    await writeFile(
      join(dir, 'two.jsonl'),
      '{"id":"x1","source":"one","title":"Same story, again"}\n{"id":"x1","title":"Two’s own x1"}\n',
    );
    const { items, reader } = await readAll(dir);
    expect(items.map((i) => i.id)).toEqual(['g2:one:x1', 'g2:one:x2', 'g2:two:x1']);
    expect(reader.progress.duplicates).toBe(1);
  });

  it('issue 14.6 — reports every file of a directory it cannot read, and reads the rest', async () => {
    await writeFile(
      join(dir, 'good.jsonl'),
      '{"id":"g1","title":"Kept","publishedAt":"2024-01-01T10:00:00Z"}\nnot json\n',
    );
    await writeFile(join(dir, 'data.json'), '{"title":"not a history format"}');
    await writeFile(join(dir, 'notes.txt'), 'hi');
    await writeFile(join(dir, 'empty.csv'), '');
    await mkdir(join(dir, 'folder.jsonl'));
    const { items, chunks, reader } = await readAll(dir);
    expect(items.map((i) => i.title)).toEqual(['Kept']);
    expect(chunks.flatMap((c) => c.problems).map((p) => `${p.kind} ${p.where}`)).toEqual([
      'unreadable data.json',
      'unreadable empty.csv',
      'unreadable folder.jsonl',
      'rejected good.jsonl:2',
      'unreadable notes.txt',
    ]);
    expect(reader.progress).toMatchObject({ files: 2, filesDone: 2, unreadable: 4, rejected: 1 });
  });

  it('names a missing path or an unknown file type', async () => {
    await expect(readAll(join(dir, 'nope.csv'))).rejects.toThrow(/history input .*nope\.csv/);
    await writeFile(join(dir, 'x.txt'), 'hi');
    await expect(readAll(join(dir, 'x.txt'))).rejects.toThrow(/not \.jsonl, \.csv/);
  });

  it('a file with hundreds of thousands of bad lines reports them all instead of overflowing the stack', async () => {
    const path = join(dir, 'broken.jsonl');
    const bad = 200_000;
    await writeFile(path, `${'{"title": ""}\n'.repeat(bad)}{"title": "Apple beats estimates"}\n`);
    const { reader, items } = await readAll(path, 10_000);
    expect(items.map((i) => i.title)).toEqual(['Apple beats estimates']);
    expect(reader.progress.rejected).toBe(bad);
  });
});
