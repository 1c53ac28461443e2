// `bellwether backfill`: history from a directory of feed files scored straight into the store; a second run
// and a re-score of the stored items with the same model change nothing; bad flags are usage errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { repoRoot, runCli } from '../support/cli.ts';

const stream = 'calm-day';
const expectedItems = (
  JSON.parse(readFileSync(join(repoRoot, 'fixtures/streams', stream, 'manifest.json'), 'utf8')) as {
    expected: { items: number };
  }
).expected.items;
const dataDir = mkdtempSync(join(tmpdir(), 'bellwether-backfill-'));
const env = { BELLWETHER_STORE_PATH: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Summary {
  read: number;
  scored: number;
  inserted: number;
  duplicates: number;
  failed: number;
  modelVersion: string;
  entities?: { items: number; entities: number; failedItems: number };
}
const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '') as Summary;

describe('bellwether backfill', () => {
  it('scores a history directory into the store, idempotently', async () => {
    const first = await runCli(
      ['backfill', '--input', `fixtures/streams/${stream}`, '--json'],
      env,
      240_000,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(summaryOf(first.stdout)).toMatchObject({
      read: expectedItems,
      scored: expectedItems,
      inserted: expectedItems,
      failed: 0,
    });
    expect(first.stderr).toMatch(/backfill done: \d+ scored/);
    // Entity scoring is on by default (issue 15 item 5): both summaries count it, and nothing failed.
    expect(summaryOf(first.stdout).entities).toMatchObject({ failedItems: 0 });
    expect(first.stderr).toMatch(
      /entity scores: \d+ items \(\d+ companies\), 0 items stored without them/,
    );

    const again = await runCli(
      ['backfill', '--input', `fixtures/streams/${stream}`, '--json'],
      env,
      240_000,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(summaryOf(again.stdout)).toMatchObject({ inserted: 0, duplicates: expectedItems });
  }, 300_000);

  it('re-scores stored history page by page; the same model version adds nothing', async () => {
    const rescore = await runCli(
      ['backfill', '--from-store', '--since', '2000-01-01', '--until', '2100-01-01', '--json'],
      env,
      240_000,
    );
    expect(rescore.code, rescore.stderr).toBe(0);
    const summary = summaryOf(rescore.stdout);
    expect(summary.read).toBe(expectedItems);
    expect(summary.duplicates).toBe(expectedItems);
    const store = createEmbeddedStore(
      { type: 'embedded', path: dataDir },
      { logger: silentLogger },
    );
    await store.connect();
    try {
      expect(await store.itemCount()).toBe(expectedItems);
      expect((await store.modelVersions()).map((v) => v.modelVersion)).toEqual([
        summary.modelVersion,
      ]);
    } finally {
      await store.close();
    }
  }, 300_000);

  it('rejects a missing or doubled source with a usage error', async () => {
    const none = await runCli(['backfill'], env, 60_000);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exactly one of --input <path> or --from-store/);
    const noSince = await runCli(['backfill', '--from-store'], env, 60_000);
    expect(noSince.code).toBe(2);
    expect(noSince.stderr).toMatch(/--since must be an ISO date/);
  }, 120_000);
});

describe('issue 14.6 — backfill lists every file and line it cannot read, keeps going, and fails when nothing was read', () => {
  const inputs = mkdtempSync(join(tmpdir(), 'bellwether-backfill-bad-'));
  afterAll(() => rmSync(inputs, { recursive: true, force: true }));
  const problemEnv = { BELLWETHER_STORE_PATH: join(inputs, 'store') };

  function input(name: string, files: Record<string, string>): string {
    const dir = join(inputs, name);
    mkdirSync(dir);
    for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
    return dir;
  }
  const unreadable = {
    'bad.jsonl': 'not json\n',
    'data.json': '{"title":"a JSON document, not JSON Lines"}',
    'notes.txt': 'hello',
    'no-text.csv': 'foo,label\nx,positive\n',
  };

  it('names each unreadable file and bad line, and exits non-zero when no item was read', async () => {
    const dir = input('nothing-readable', unreadable);
    const run = await runCli(['backfill', '--input', dir, '--json'], problemEnv, 120_000);
    expect(run.code).toBe(1);
    for (const where of ['bad.jsonl:1', 'data.json', 'notes.txt', 'no-text.csv'])
      expect(run.stderr).toContain(where);
    expect(run.stderr).toMatch(/nothing to backfill: no item could be read/);
    const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Summary & {
      problems: Array<{ kind: string; where: string }>;
    };
    expect(summary.read).toBe(0);
    expect(summary.problems.map((p) => p.where).sort()).toEqual([
      'bad.jsonl:1',
      'data.json',
      'no-text.csv',
      'notes.txt',
    ]);
  }, 180_000);

  it('stores what it can read, lists the rest, and exits 0', async () => {
    const dir = input('partly-readable', {
      ...unreadable,
      'good.jsonl':
        '{"id":"ok-1","title":"Tesla recalls 2 million cars","publishedAt":"2026-03-10T14:00:00Z"}\n',
    });
    const run = await runCli(['backfill', '--input', dir, '--json'], problemEnv, 120_000);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run.stdout)).toMatchObject({ read: 1, inserted: 1 });
    for (const where of ['bad.jsonl:1', 'data.json', 'notes.txt', 'no-text.csv'])
      expect(run.stderr).toContain(where);
    expect(run.stderr).toMatch(/4 problems/);
  }, 180_000);
});
