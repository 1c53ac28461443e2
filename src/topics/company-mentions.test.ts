// Which companies a title names, and where: the spans entity scoring marks (issue 15.5).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTopicMatcher } from './matcher.ts';
import { loadWatchlist } from './watchlist.ts';

const watchlist = loadWatchlist(
  fileURLToPath(new URL('../../config/watchlist.json', import.meta.url)),
);
const matcher = createTopicMatcher({ watchlist, keywords: ['recall*', 'lawsuit'] });

/** Each company's ticker with the text of each span, so expectations read as the title does. */
const mentionsIn = (title: string): [string, string[]][] =>
  matcher
    .companyMentions(title)
    .map((m) => [m.ticker, m.spans.map((s) => title.slice(s.start, s.end))]);

describe('TopicMatcher.companyMentions', () => {
  it.each([
    [
      'Tesla beats Ford in EV sales',
      [
        ['TSLA', ['Tesla']],
        ['F', ['Ford']],
      ],
    ],
    [
      'Ford slips as Tesla gains; Tesla’s lead widens',
      [
        ['F', ['Ford']],
        ['TSLA', ['Tesla', 'Tesla']],
      ],
    ],
    ['Apple’s profit jumps', [['AAPL', ['Apple']]]],
    [
      '$TSLA and $AAPL lead the Nasdaq',
      [
        ['TSLA', ['$TSLA']],
        ['AAPL', ['$AAPL']],
      ],
    ],
    ['Pickup recall hits automaker (NYSE: F)', [['F', ['F']]]],
    [
      'Berkshire Hathaway ($BRK.B) adds to its energy stakes',
      [['BRK.B', ['Berkshire Hathaway', '$BRK.B']]],
    ],
    ['General Electric’s jet engine unit shines', [['GE', ['General Electric']]]],
    [
      'NVDA rallies while Microsoft Corporation lags',
      [
        ['NVDA', ['NVDA']],
        ['MSFT', ['Microsoft Corporation']],
      ],
    ],
  ])('%s', (title, expected) => {
    expect(mentionsIn(title)).toEqual(expected);
  });

  it('does not count a product as a mention of its maker (topics still do)', () => {
    const title = 'iPhone sales slump while Microsoft gains';
    expect(mentionsIn(title)).toEqual([['MSFT', ['Microsoft']]]);
    const tickers = matcher
      .match({ title, source: 'wire' })
      .filter((t) => t.kind === 'ticker')
      .map((t) => t.key);
    expect(tickers.sort()).toEqual(['AAPL', 'MSFT']);
  });

  it('makes the same name decisions as topic matching', () => {
    // Lower-case nouns and Title Case common-word names are no mention, as they are no topic.
    expect(mentionsIn('We ate an apple and hit the target')).toEqual([]);
    expect(mentionsIn('Target Shares Slump After Weak Holiday Forecast')).toEqual([]);
    expect(mentionsIn('Target shares slump; Walmart gains')).toEqual([
      ['TGT', ['Target']],
      ['WMT', ['Walmart']],
    ]);
  });

  it('gives spans in UTF-16 offsets past astral characters', () => {
    const title = '📉 Tesla slides, 📈 Ford climbs';
    const mentions = matcher.companyMentions(title);
    expect(mentions.map((m) => m.spans[0])).toEqual([
      { start: 3, end: 8 },
      { start: 20, end: 24 },
    ]);
  });

  it('carries the company name and ticker, and nothing for a title naming none', () => {
    expect(matcher.companyMentions('Ford recalls 90,000 pickups')).toEqual([
      { company: 'Ford', ticker: 'F', spans: [{ start: 0, end: 4 }] },
    ]);
    expect(matcher.companyMentions('Stocks drift before the Fed decision')).toEqual([]);
    expect(matcher.companyMentions('')).toEqual([]);
  });
});
