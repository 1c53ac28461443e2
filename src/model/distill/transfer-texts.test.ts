// Transfer texts: plain lines and JSON lines (the fixture generator's `title` included) read back, and every
// unusable file refused with its name and line.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/support/cli.ts';
import { readTransferTexts } from './transfer-texts.ts';

describe('issue 13.5 — --transfer reads unlabelled texts', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    return writeFile(p, content).then(() => p);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bw-transfer-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads one text a line from .txt, skipping blank lines', async () => {
    const p = await file('a.txt', 'Acme jumps 5%\r\n\n  Beta cuts jobs  \n');
    expect(await readTransferTexts(p)).toEqual(['Acme jumps 5%', 'Beta cuts jobs']);
  });

  it('reads text, headline or title from JSON lines, and the fixture streams as they are', async () => {
    const p = await file(
      'b.jsonl',
      '{"text":"one","title":"not this"}\n{"headline":"two"}\n{"title":"three","summary":"s"}\n',
    );
    expect(await readTransferTexts(p)).toEqual(['one', 'two', 'three']);
    const fixture = await readTransferTexts(
      path.join(repoRoot, 'fixtures/streams/calm-day/tapefeed.jsonl'),
    );
    expect(fixture.length).toBe(255);
  });

  it('refuses a missing file, another format, a bad line and an empty file, naming them', async () => {
    await expect(readTransferTexts(path.join(dir, 'none.txt'))).rejects.toThrow(/none\.txt/);
    await expect(readTransferTexts(await file('c.csv', 'x\n'))).rejects.toThrow(/\.txt .*\.jsonl/);
    await expect(
      readTransferTexts(await file('d.jsonl', '{"text":"ok"}\n{oops\n')),
    ).rejects.toThrow(/d\.jsonl:2: not JSON/);
    await expect(readTransferTexts(await file('e.jsonl', '{"label":"x"}\n'))).rejects.toThrow(
      /e\.jsonl:1: no text/,
    );
    await expect(readTransferTexts(await file('f.txt', '\n  \n'))).rejects.toThrow(/no texts/);
  });
});
