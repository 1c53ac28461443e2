// Feed bodies → items: RSS and Atom, ids, dates, rejections, text cleaning, and recovery from broken XML.
import { describe, expect, it } from 'vitest';
import { feedBodyToItems } from './feed-items.ts';

const fetchedAt = '2026-01-02T03:04:05.000Z';
const read = (xml: string | Buffer, contentType?: string) =>
  feedBodyToItems(typeof xml === 'string' ? Buffer.from(xml) : xml, {
    where: 'wire.rss.xml',
    source: 'wire',
    fetchedAt,
    contentType,
  });

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><language>en-us</language>${items}</channel></rss>`;

describe('feedBodyToItems', () => {
  it('maps RSS items: guid, then normalized link, then hash ids; dates to ISO; source from the file', async () => {
    const batch = await read(
      rss(`
      <item><guid isPermaLink="false">abc-1</guid><title>Apple beats</title><pubDate>Tue, 02 Jan 2024 14:30:00 GMT</pubDate></item>
      <item><title>Tesla recalls</title><link>https://News.example.com/t/?utm_source=x&amp;b=2&amp;a=1#top</link><pubDate>2024-01-02T15:00:00+01:00</pubDate></item>
      <item><title>  Boeing   falls </title><description>&lt;p&gt;Shares &lt;b&gt;down&lt;/b&gt;&lt;/p&gt;</description></item>`),
    );
    expect(batch.rejected).toBe(0);
    expect(batch.items.map((i) => i.id)).toEqual([
      'g2:wire:abc-1',
      'u2:wire:https://news.example.com/t?a=1&b=2',
      expect.stringMatching(/^h2:wire:[0-9a-f]{32}$/),
    ]);
    const [apple, tesla, boeing] = batch.items;
    expect(apple?.publishedAt).toBe('2024-01-02T14:30:00.000Z');
    expect(tesla?.publishedAt).toBe('2024-01-02T14:00:00.000Z');
    expect(boeing).toMatchObject({
      title: 'Boeing falls',
      summary: 'Shares down',
      source: 'wire',
      lang: 'en-us',
    });
    expect(boeing?.publishedAt).toBe(fetchedAt);
    expect(batch.problems).toContainEqual(
      expect.objectContaining({ kind: 'date', where: 'wire.rss.xml#3', itemId: boeing?.id }),
    );
    expect(batch.undatedIds).toEqual([boeing?.id]);
  });

  it('maps Atom entries, including escaped HTML titles and an unparseable date that does not sink the feed', async () => {
    const batch = await read(`<?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><id>urn:x:1</id><title type="html">&lt;em&gt;Nvidia&lt;/em&gt; &amp;amp; AMD</title>
          <published>not a date</published><summary>Chips.</summary></entry>
        <entry><id>urn:x:2</id><title>Intel</title><updated>2024-03-01T10:00:00Z</updated>
          <link rel="alternate" href="https://e.com/intel"/><content type="html">&lt;p&gt;Fab news&lt;/p&gt;</content></entry>
      </feed>`);
    expect(batch.items).toHaveLength(2);
    expect(batch.items[0]).toMatchObject({
      id: 'g2:wire:urn:x:1',
      title: 'Nvidia & AMD',
      summary: 'Chips.',
      publishedAt: fetchedAt,
    });
    expect(batch.items[1]).toMatchObject({
      id: 'g2:wire:urn:x:2',
      url: 'https://e.com/intel',
      summary: 'Fab news',
      publishedAt: '2024-03-01T10:00:00.000Z',
    });
    expect(batch.problems).toContainEqual(
      expect.objectContaining({ kind: 'date', message: expect.stringContaining('not a date') }),
    );
  });

  it('rejects entries without text, derives missing titles, and truncates huge summaries', async () => {
    const big = `Opening line of a long filing. ${'lorem ipsum '.repeat(100_000)}`;
    const batch = await read(
      rss(`
      <item><guid>empty</guid><title> <![CDATA[<b></b>]]> </title><description>  </description></item>
      <item><guid>untitled</guid><description>Microsoft raises guidance. More text follows.</description></item>
      <item><guid>huge</guid><title>Filing</title><description><![CDATA[<p>${big}</p>]]></description></item>`),
    );
    expect(batch.rejected).toBe(1);
    expect(batch.problems).toContainEqual({
      kind: 'rejected',
      where: 'wire.rss.xml#1',
      message: 'no title or summary text',
    });
    expect(batch.items.map((i) => i.id)).toEqual(['g2:wire:untitled', 'g2:wire:huge']);
    expect(batch.items[0]?.title).toBe('Microsoft raises guidance.');
    expect(batch.items[1]?.summary?.length).toBeLessThanOrEqual(20_000);
    expect(batch.problems.filter((p) => p.kind === 'truncated')).toHaveLength(1);
  });

  it('repairs bare ampersands, HTML-only entities and raw tags in titles', async () => {
    const batch = await read(
      rss(
        `<item><guid>1</guid><title>AT&T &nbsp;and <i>P&amp;G</i> &eacute;t&eacute;</title></item>`,
      ),
    );
    expect(batch.items[0]?.title).toBe('AT&T and P&G été');
    expect(batch.problems).toContainEqual(expect.objectContaining({ kind: 'repaired' }));
  });

  it('keeps every complete item of a truncated document and reports the recovery', async () => {
    const xml = rss(
      `<item><guid>1</guid><title>One</title></item><item><guid>2</guid><title>Two</title></item>`,
    ).replace('</channel></rss>', '<item><guid>3</guid><title>Thr');
    const batch = await read(xml);
    expect(batch.items.map((i) => i.id)).toEqual(['g2:wire:1', 'g2:wire:2']);
    expect(batch.items[0]?.lang).toBe('en-us');
    const recovered = batch.problems.find((p) => p.kind === 'recovered');
    expect(recovered?.message).toMatch(/kept 2 complete <item>; 1 incomplete <item> dropped/);
  });

  it('isolates an ill-formed entry in the middle of an Atom document', async () => {
    const batch = await read(`<feed xmlns="http://www.w3.org/2005/Atom">
      <entry><id>a</id><title>Good one</title></entry>
      <entry><id>b</id><title>Bad one</title><summary>x</sumary></entry>
      <entry><id>c</id><title>Good two</title></entry>
    </feed>`);
    expect(batch.items.map((i) => i.id)).toEqual(['g2:wire:a', 'g2:wire:c']);
    expect(batch.rejected).toBe(1);
    expect(batch.problems).toContainEqual(
      expect.objectContaining({ kind: 'rejected', where: 'wire.rss.xml#2' }),
    );
  });

  it('reports a body that is not a feed at all, without throwing', async () => {
    const batch = await read('<html><body>Service unavailable</body></html>');
    expect(batch.items).toEqual([]);
    expect(batch.problems).toEqual([expect.objectContaining({ kind: 'unreadable' })]);
  });

  it('decodes windows-1252 bytes served as UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from(rss('<item><guid>1</guid><title>Nestl').replace('</channel></rss>', '')),
      Buffer.from([0xe9]),
      Buffer.from(' profit</title></item></channel></rss>'),
    ]);
    const batch = await read(bytes, 'application/rss+xml; charset=utf-8');
    expect(batch.items[0]?.title).toBe('Nestlé profit');
    expect(batch.problems).toContainEqual(expect.objectContaining({ kind: 'charset' }));
  });
});

describe('issue 14.13 — a multi-MB body of broken items', () => {
  it('rejects each item and reports it, without overflowing the stack', async () => {
    const broken = 160_000;
    const batch = await read(rss('<item><a></item>'.repeat(broken)));
    expect(batch.items).toEqual([]);
    expect(batch.rejected).toBe(broken);
    expect(batch.problems.filter((p) => p.kind === 'rejected')).toHaveLength(broken);
  }, 120_000);
});
