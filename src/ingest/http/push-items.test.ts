// Pushed records → items: ids live apart from feed ids, so a push client cannot claim a feed's items.
import { describe, expect, it } from 'vitest';
import { feedBodyToItems } from '../rss/feed-items.ts';
import { itemsFromPush } from './push-items.ts';

const fetchedAt = '2026-03-10T14:00:00.000Z';
const policy = (at: string) => ({ fetchedAt: at, seen: () => false });

describe('issue 14.1 — a push client cannot claim the ids a feed will deliver', () => {
  it('a pushed item naming a feed’s source and guid gets an id of its own', async () => {
    const pushed = itemsFromPush(
      [{ id: '1', source: 'guardian', title: 'Forged headline' }],
      policy(fetchedAt),
    );
    const feed = await feedBodyToItems(
      Buffer.from(
        '<rss version="2.0"><channel><item><guid>1</guid><title>Real headline</title></item></channel></rss>',
      ),
      { where: 'guardian', source: 'guardian', fetchedAt },
    );
    const [forged] = pushed.items;
    const [real] = feed.items;
    expect(forged?.source).toBe('guardian');
    expect(real?.id).toBe('g2:guardian:1');
    expect(forged?.id).toBe('g2:push/guardian:1');
  });

  it('pushes of the same record get the same id (a retry is a duplicate, not a new item)', () => {
    const record = { url: 'https://news.example/a?utm_source=x', title: 'Once' };
    const [a] = itemsFromPush([record], policy(fetchedAt)).items;
    const [b] = itemsFromPush([{ ...record }], policy('2026-03-10T15:00:00.000Z')).items;
    expect(a?.id).toBe('u2:push/http-push:https://news.example/a');
    expect(b?.id).toBe(a?.id);
  });
});
