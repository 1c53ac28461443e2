// Issue 14.1 through `bellwether backfill` and a real embedded store: two feeds that both number an item `1`
// keep both; a second run (a restart, a replay) stores nothing new; an item the store holds under its
// unscoped id from before the cut-over is not stored again.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { withEmbeddedStore } from '../support/embedded-store.ts';
import { scoredItem } from '../support/news.ts';

const root = mkdtempSync(join(tmpdir(), 'bellwether-scoped-ids-'));
const dataDir = join(root, 'store');
const env = { BELLWETHER_STORE_PATH: dataDir };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`;
const item = (guid: string, title: string) =>
  `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><pubDate>Tue, 10 Mar 2026 14:00:00 GMT</pubDate></item>`;

function streamDir(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
  return dir;
}

interface Summary {
  read: number;
  inserted: number;
  duplicates: number;
  modelVersion: string;
}
async function backfill(dir: string): Promise<Summary> {
  const result = await runCli(['backfill', '--input', dir, '--json'], env, 120_000);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Summary;
}

describe('issue 14.1 — item ids are scoped by source, end to end', () => {
  let modelVersion = '';

  it('stores both feeds’ item 1, and a second run stores nothing new', async () => {
    const dir = streamDir('two-feeds', {
      'guardian.rss.xml': rss(item('1', 'Guardian: markets rally on rate cut hopes')),
      'small-cms.rss.xml': rss(item('1', 'Small CMS: local bank reports record deposits')),
    });
    const first = await backfill(dir);
    expect(first).toMatchObject({ read: 2, inserted: 2, duplicates: 0 });
    modelVersion = first.modelVersion;
    expect(await backfill(dir)).toMatchObject({ read: 2, inserted: 0, duplicates: 2 });
    const stored = await withEmbeddedStore(dataDir, (store) =>
      store.scanItems({ fromMs: 0, toMs: Date.UTC(2100, 0), limit: 10 }),
    );
    expect(stored.map((i) => [i.id, i.source]).sort()).toEqual([
      ['g2:guardian:1', 'guardian'],
      ['g2:small-cms:1', 'small-cms'],
    ]);
  }, 300_000);

  it('does not store again an item held under its unscoped id from before the cut-over', async () => {
    // What a store written before the cut-over holds: guardian's guid 7 under `g:7`.
    await withEmbeddedStore(dataDir, async (store) => {
      await store.writeScored([
        scoredItem(7, {
          id: 'g:7',
          source: 'guardian',
          modelVersion,
          scoredAt: '2026-03-10T14:01:00Z',
        }),
      ]);
    });
    const dir = streamDir('after-cut-over', {
      'guardian.rss.xml': rss(item('7', 'Guardian: insurer cuts outlook')),
    });
    expect(await backfill(dir)).toMatchObject({ read: 1, inserted: 0, duplicates: 1 });
    expect(await withEmbeddedStore(dataDir, (store) => store.itemCount(modelVersion))).toBe(3);
  }, 300_000);
});
