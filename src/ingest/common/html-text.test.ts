// Feed HTML to plain text, and the first-sentence rule for untitled items.
import { describe, expect, it } from 'vitest';
import { clip, firstSentence, htmlToText } from './html-text.ts';

describe('htmlToText', () => {
  it('strips tags, decodes entities (named, numeric, twice-escaped) and collapses whitespace', () => {
    expect(htmlToText('<p>Apple&nbsp;&amp; <b>Nvidia</b></p>\n<p>rally&#8212;again</p>')).toBe(
      'Apple & Nvidia rally—again',
    );
    expect(htmlToText('&lt;b&gt;Boeing&lt;/b&gt; falls &#x27;sharply&#x27;')).toBe(
      "Boeing falls 'sharply'",
    );
    expect(htmlToText('<script>alert(1)</script>Tesla <!-- x -->recall')).toBe('Tesla recall');
  });

  it('keeps a lone < that is not a tag', () => {
    expect(htmlToText('EPS < 1.00 and > 0.5')).toBe('EPS < 1.00 and > 0.5');
  });

  it('takes a bounded first sentence', () => {
    expect(firstSentence('Shares fell 5%. Analysts cut targets.')).toBe('Shares fell 5%.');
    expect(firstSentence('No end mark at all')).toBe('No end mark at all');
    const long = firstSentence('word '.repeat(100));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith('…')).toBe(true);
    expect(clip('short', 10)).toBe('short');
  });
});
