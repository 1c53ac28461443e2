// Stream directories: every file format, source names, cross-file dedup, stable date order, per-line JSONL errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStream } from './read-stream.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-stream-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fetchedAt = '2030-01-01T00:00:00.000Z';

describe('readStream', () => {
  it('reads RSS, Atom and JSONL files, dedups across them and sorts by publishedAt (stable)', async () => {
    await writeFile(
      join(dir, 'wire.rss.xml'),
      `<rss version="2.0"><channel>
        <item><guid>shared</guid><title>From RSS</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
        <item><guid>r2</guid><title>Same minute A</title><pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate></item>
        <item><guid>r3</guid><title>No date</title></item>
      </channel></rss>`,
    );
    await writeFile(
      join(dir, 'desk.atom.xml'),
      `<feed xmlns="http://www.w3.org/2005/Atom">
        <entry><id>shared</id><title>From Atom</title><updated>2024-01-01T08:00:00Z</updated></entry>
        <entry><id>a2</id><title>Same minute B</title><updated>2024-01-01T09:00:00Z</updated></entry>
      </feed>`,
    );
    await writeFile(
      join(dir, 'tape.jsonl'),
      [
        '{"id":"j1","title":"Tape one","publishedAt":"2024-01-01T07:00:00Z","expectedLabel":"negative"}',
        '{"title":"Tape two","publishedAt":"2024-01-01T09:00:00Z","source":"override"}',
        '{"title": broken',
        '',
        '{"title":"   ","summary":"<b></b>","publishedAt":"2024-01-01T09:00:00Z"}',
        '[1,2]',
        '{"id":"shared","source":"desk","title":"Desk story on the tape","publishedAt":"2024-01-01T06:00:00Z"}',
      ].join('\n'),
    );
    await writeFile(join(dir, 'manifest.json'), '{"name":"x"}');
    await writeFile(join(dir, 'README.md'), 'not news');

    const stream = await readStream(dir, { fetchedAt });
    // desk.atom.xml is read first (name order), so its copy of desk's "shared" wins over the tape's;
    // wire's own "shared" is another item (ids are scoped by source).
    expect(stream.items.map((i) => i.title)).toEqual([
      'Tape one',
      'From Atom',
      'Same minute B',
      'Tape two',
      'Same minute A',
      'From RSS',
      'No date',
    ]);
    expect(stream.duplicates).toBe(1);
    expect(stream.rejected).toBe(3);
    expect(stream.items.find((i) => i.title === 'Tape two')?.source).toBe('override');
    expect(stream.items.find((i) => i.title === 'Tape one')).toMatchObject({
      id: 'g2:tape:j1',
      source: 'tape',
    });
    expect(stream.items.find((i) => i.title === 'From Atom')?.source).toBe('desk');
    expect(stream.problems.filter((p) => p.kind === 'rejected').map((p) => p.where)).toEqual([
      'tape.jsonl:3',
      'tape.jsonl:5',
      'tape.jsonl:6',
    ]);
    expect(stream.streamStart).toBe('2024-01-01T07:00:00.000Z');
    expect(stream.streamEnd).toBe('2024-01-01T10:00:00.000Z');
    expect([...stream.undatedIds]).toEqual(['g2:wire:r3']);
    expect(stream.files['tape.jsonl']).toEqual({ format: 'jsonl', items: 3, rejected: 3 });
    expect(stream.items.every((i) => i.fetchedAt === fetchedAt)).toBe(true);
  });

  it('fails clearly on a missing or empty directory', async () => {
    await expect(readStream(join(dir, 'nope'))).rejects.toThrow(/stream directory .*nope/);
    await expect(readStream(dir)).rejects.toThrow(/holds no/);
  });
});
