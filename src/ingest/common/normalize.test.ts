// normalizeEntry at the trust boundary: which links an item keeps, and text the store could not hold.
import { describe, expect, it } from 'vitest';
import { normalizeEntry } from './normalize.ts';

const context = { source: 'wire', fetchedAt: '2024-05-01T10:00:00.000Z', where: 'feed.xml#1' };

describe('issue 14.4 — only http(s) links are kept on items', () => {
  it('keeps http and https links as written', () => {
    for (const link of ['https://news.example/a?b=1', 'HTTP://News.example/b']) {
      const result = normalizeEntry({ title: 'Apple beats', link }, context);
      expect(result.ok && result.item.url).toBe(link);
    }
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    ' java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '/relative/path',
    'file:///etc/passwd',
  ])('drops %j, keeps the item and says why', (link) => {
    const result = normalizeEntry({ title: 'Apple CEO resigns', link }, context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.item.url).toBeUndefined();
    expect(result.item.id).not.toContain('script');
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        kind: 'link',
        itemId: result.item.id,
        message: expect.stringMatching(/not an http\(s\) link; dropped/),
      }),
    );
  });
});

describe('issue 14.3 — text with a lone surrogate is rejected at normalization, not dead-lettered by the store', () => {
  it.each([
    ['title', { title: 'bad \ud800 title' }],
    ['summary', { title: 'ok', summary: 'half a pair \udc00 here' }],
    ['source', { title: 'ok', source: 'wire\ud83d' }],
  ])('rejects a lone surrogate in the %s with the field named', (field, raw) => {
    const result = normalizeEntry(raw, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(new RegExp(`^${field}: .*lone surrogate`));
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'rejected' })]);
  });

  it('keeps surrogate pairs (emoji, rare CJK)', () => {
    const result = normalizeEntry({ title: 'Markets 🚀 rally 𠀀' }, context);
    expect(result.ok && result.item.title).toBe('Markets 🚀 rally 𠀀');
  });
});
