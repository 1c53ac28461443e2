// Item identity: scoped by source so feeds that number their items alike never share an id, stable across
// reads, and mapped to the pre-scope ids a store may already hold.
import { describe, expect, it } from 'vitest';
import { itemIdAliases, stableItemId } from './item-id.ts';

describe('issue 14.1 — item ids are scoped by source', () => {
  it('two feeds that both use guid 1 get different ids', () => {
    const guardian = stableItemId({ source: 'guardian', guid: '1', title: 'Markets rally' });
    const cms = stableItemId({ source: 'small-cms', guid: '1', title: 'Markets rally' });
    expect(guardian).not.toBe(cms);
  });

  it('the same link or title from two sources gets two ids; from one source, one', () => {
    const link = 'https://news.example/story/7';
    const a = stableItemId({ source: 'a', link, title: 'T' });
    expect(stableItemId({ source: 'b', link, title: 'T' })).not.toBe(a);
    expect(stableItemId({ source: 'a', link: `${link}/?utm_source=rss`, title: 'other' })).toBe(a);
    expect(stableItemId({ source: 'a', title: 'Same  Title' })).toBe(
      stableItemId({ source: 'a', title: 'same title' }),
    );
    expect(stableItemId({ source: 'a', title: 'x' })).not.toBe(
      stableItemId({ source: 'b', title: 'x' }),
    );
  });

  it('a pushed item can never take the id a feed gives its item, whatever source it claims', () => {
    const feed = stableItemId({ source: 'guardian', guid: '1', title: 'T' });
    const pushed = stableItemId({ source: 'guardian', namespace: 'push', guid: '1', title: 'T' });
    expect(pushed).not.toBe(feed);
    // Nor can a source name that looks like a namespace reach the push ids.
    expect(stableItemId({ source: 'push/guardian', guid: '1', title: 'T' })).not.toBe(pushed);
  });

  it('is a pure function of what the item says: the same on every read, restart and replay', () => {
    const identity = { source: 'northwire', guid: 'nw-00042', title: 'Headline' };
    expect(stableItemId(identity)).toBe('g2:northwire:nw-00042');
    expect(stableItemId({ ...identity })).toBe(stableItemId(identity));
  });

  it('keeps ids within the item contract for long sources, guids and links', () => {
    const id = stableItemId({
      source: 'ü'.repeat(256),
      namespace: 'push',
      guid: 'g'.repeat(5_000),
      title: 'T',
    });
    expect(id.length).toBeLessThanOrEqual(200);
    expect(id).toMatch(/^g2:push\/[0-9a-f]{32}:[0-9a-f]{32}$/);
  });
});

describe('issue 14.1 — the ids an item may already be stored under (cut-over from unscoped ids)', () => {
  it('a scoped id maps to the unscoped id of the old scheme', () => {
    expect(itemIdAliases('g2:guardian:1', 'guardian')).toEqual(['g:1']);
    expect(itemIdAliases('g2:push/guardian:1', 'guardian')).toEqual(['g:1']);
    const link = stableItemId({ source: 'a', link: 'https://news.example/s?x=1', title: 'T' });
    expect(itemIdAliases(link, 'a')).toEqual(['u:https://news.example/s?x=1']);
    const hashed = stableItemId({ source: 'a', title: 'T' });
    expect(itemIdAliases(hashed, 'a')).toEqual([`h:${hashed.slice('h2:a:'.length)}`]);
  });

  it('an unscoped id (an older writer) maps to the scoped id its source gives', () => {
    expect(itemIdAliases('g:1', 'guardian')).toEqual(['g2:guardian:1']);
    expect(itemIdAliases('u:https://x.example/a', 'my wire')).toEqual([
      'u2:my%20wire:https://x.example/a',
    ]);
  });

  it('ids of neither scheme have no alias', () => {
    expect(itemIdAliases('custom-id', 'a')).toEqual([]);
  });
});
