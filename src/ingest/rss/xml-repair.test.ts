// XML repair: what it changes in ill-formed feeds, and that hostile bodies cost time in proportion to their size.
import { describe, expect, it } from 'vitest';
import { repairFeedXml } from './xml-repair.ts';

const channel = (body: string) => `<rss version="2.0"><channel>${body}</channel></rss>`;

function msOf(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/**
 * How much longer repairing 4× the body takes: the fastest of interleaved single calls, which leaves out
 * the collector's pauses and other processes' time slices.
 */
function scalingFactor(body: (units: number) => string, units: number): number {
  const small = body(units);
  const large = body(units * 4);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  // Stops sampling early when one round is already slow, so a quadratic repair fails in seconds.
  const budgetEnd = performance.now() + 2_000;
  for (let round = 0; round < 25 && (round === 0 || performance.now() < budgetEnd); round++) {
    bestSmall = Math.min(
      bestSmall,
      msOf(() => repairFeedXml(small, false)),
    );
    bestLarge = Math.min(
      bestLarge,
      msOf(() => repairFeedXml(large, false)),
    );
  }
  return bestLarge / bestSmall;
}

describe('repairFeedXml', () => {
  it('wraps raw HTML in text elements as CDATA, and leaves an unclosed one as it is', () => {
    const { xml, changes } = repairFeedXml(
      channel(
        '<item><title>Up <b>5%</b></title><description>a<i>b</titl></item>' +
          '<item><title>x</titl><summary lang="en">y<br/></summary></item>',
      ),
      false,
    );
    expect(xml).toBe(
      channel(
        '<item><title><![CDATA[Up <b>5%</b>]]></title><description>a<i>b</titl></item>' +
          '<item><title>x</titl><summary lang="en"><![CDATA[y<br/>]]></summary></item>',
      ),
    );
    expect(changes).toEqual(['2 title/description element(s) held raw HTML']);
  });

  it('escapes ampersands outside CDATA and comments, and inside an unclosed CDATA section', () => {
    const { xml } = repairFeedXml(
      channel('<![CDATA[A&B]]><!-- C&D --><title>E&F</title><![CDATA[G&H <!-- I&J -->'),
      false,
    );
    expect(xml).toBe(
      channel('<![CDATA[A&B]]><!-- C&D --><title>E&amp;F</title><![CDATA[G&amp;H <!-- I&J -->'),
    );
  });
});

describe('issue 14.13 — XML repair takes time linear in the body, whatever hostile markup it holds', () => {
  const hostile: Array<[string, (units: number) => string]> = Object.entries({
    'a mistyped </titl> in every item': (n: number) =>
      channel(
        Array.from(
          { length: n },
          (_, i) => `<item><guid>${i}</guid><title>Headline number ${i}</titl></item>`,
        ).join(''),
      ),
    'unclosed <title> tags': (n: number) => channel('<title>0123456789'.repeat(n)),
    'unclosed CDATA sections and comments': (n: number) => channel('<![CDATA[ab<!--cd'.repeat(n)),
  });

  it.each(hostile)('%s: 4× the body takes less than 6× the time', (_name, body) => {
    expect(scalingFactor(body, 1_000)).toBeLessThan(6);
  });
});
