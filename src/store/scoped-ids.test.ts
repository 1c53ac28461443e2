// The cut-over to source-scoped item ids on a real embedded store: an item already stored under its unscoped
// id is not stored (and counted) again when it arrives with its scoped id, nor the other way round.
import { describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { scoredItem } from '../../test/support/news.ts';
import { stableItemId } from '../core/item-id.ts';

const testStore = fileEmbeddedStore('bellwether-scoped-ids-');

const HOUR = Date.UTC(2026, 2, 2, 14, 0);
const fromMs = HOUR - 3_600_000;
const toMs = HOUR + 3_600_000;

/** One item of `source` with guid `guid`, under model version `mv`, with the id given. */
function copy(id: string, source: string, n: number, modelVersion = 'cutover-model') {
  return scoredItem(n, {
    id,
    source,
    modelVersion,
    topics: [{ kind: 'ticker', key: `CUT${n}` }],
  });
}

async function tickerCount(key: string, modelVersion = 'cutover-model'): Promise<number> {
  const rows = await testStore().topicCounts({
    fromMs,
    toMs,
    kinds: ['ticker'],
    keys: [key],
    modelVersion,
  });
  return rows.reduce((sum, row) => sum + row.count, 0);
}

describe('issue 14.1 — an item stored under the old (unscoped) id is not counted twice', () => {
  it('skips the scoped copy of an item its source already stored unscoped; keeps another source’s', async () => {
    // Before the cut-over: guardian's guid 1 was stored as g:1; small-cms's guid 1 was lost to it.
    expect(await testStore().writeScored([copy('g:1', 'guardian', 1)])).toEqual({
      inserted: 1,
      duplicates: 0,
    });
    const guardian = stableItemId({ source: 'guardian', guid: '1', title: 'x' });
    const cms = stableItemId({ source: 'small-cms', guid: '1', title: 'x' });
    const after = await testStore().writeScored([
      copy(guardian, 'guardian', 1),
      copy(cms, 'small-cms', 1),
    ]);
    expect(after).toEqual({ inserted: 1, duplicates: 1 });
    expect(await testStore().itemCount('cutover-model')).toBe(2);
    expect(await tickerCount('CUT1')).toBe(2);
    // Delivered again (a replay, a restart): nothing new.
    expect(
      await testStore().writeScored([copy(guardian, 'guardian', 1), copy(cms, 'small-cms', 1)]),
    ).toEqual({ inserted: 0, duplicates: 2 });
    expect(await tickerCount('CUT1')).toBe(2);
  });

  it('skips an unscoped copy (an older writer, a bus backlog) of an item stored under its scoped id', async () => {
    const scoped = stableItemId({ source: 'northwire', link: 'https://n.example/a/2', title: 'x' });
    expect(await testStore().writeScored([copy(scoped, 'northwire', 2)])).toMatchObject({
      inserted: 1,
    });
    expect(
      await testStore().writeScored([copy('u:https://n.example/a/2', 'northwire', 2)]),
    ).toEqual({
      inserted: 0,
      duplicates: 1,
    });
    expect(await tickerCount('CUT2')).toBe(1);
  });

  it('within one batch, the scoped and unscoped copies of an item count once', async () => {
    const scoped = stableItemId({ source: 'bluegate', guid: 'bg-3', title: 'x' });
    expect(
      await testStore().writeScored([copy('g:bg-3', 'bluegate', 3), copy(scoped, 'bluegate', 3)]),
    ).toEqual({ inserted: 1, duplicates: 1 });
    expect(await tickerCount('CUT3')).toBe(1);
  });

  it('a new model version stores its own row beside the old one', async () => {
    const scoped = stableItemId({ source: 'guardian', guid: '1', title: 'x' });
    expect(await testStore().writeScored([copy(scoped, 'guardian', 1, 'cutover-model-2')])).toEqual(
      {
        inserted: 1,
        duplicates: 0,
      },
    );
  });
});
