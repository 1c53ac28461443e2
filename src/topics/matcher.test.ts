// Topic extraction on hand-written headlines, including the tickers that are also words or letters.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TopicMention } from '../core/news.ts';
import { createTopicMatcher } from './matcher.ts';
import { loadWatchlist, parseWatchlist } from './watchlist.ts';

const watchlist = loadWatchlist(
  fileURLToPath(new URL('../../config/watchlist.json', import.meta.url)),
);
const matcher = createTopicMatcher({
  watchlist,
  keywords: ['recall*', 'lawsuit', 'layoff*', 'price target', 'bankruptcy'],
});

const keysOf = (mentions: readonly TopicMention[], kind: TopicMention['kind']): string[] =>
  mentions
    .filter((m) => m.kind === kind)
    .map((m) => m.key)
    .sort();

const tickersIn = (title: string, summary?: string): string[] =>
  keysOf(matcher.match({ title, summary, source: 'test-wire' }), 'ticker');

describe('createTopicMatcher', () => {
  it.each([
    ['Apple tops estimates as iPhone sales jump', ['AAPL']],
    ['$AAPL and $MSFT lead the Nasdaq higher', ['AAPL', 'MSFT']],
    ['Cashtags in lower case still count: $tsla slides', ['TSLA']],
    ['Berkshire Hathaway ($BRK.B) adds to its energy stakes', ['BRK.B']],
    ['$BRK-B and BRK.A both rise', ['BRK.B']],
    ['GE lifts engine delivery forecast', ['GE']],
    ['General Electric’s jet engine unit shines', ['GE']],
    ['Ford recalls 90,000 pickups', ['F']],
    ['Pickup recall hits automaker (NYSE: F)', ['F']],
    ['$F and $T rally after upgrades', ['F', 'T']],
    ['AT&T adds wireless subscribers', ['T']],
    ['Facebook parent faces EU fine', ['META']],
    ['Meta Platforms unveils new glasses', ['META']],
    ['Google unveils new AI model; $GOOG rises', ['GOOGL']],
    ['Alphabet’s Waymo expands to two cities', ['GOOGL']],
    ['Procter & Gamble raises prices', ['PG']],
    ['J.P. Morgan and Goldman Sachs beat estimates', ['GS', 'JPM']],
    ['Coca-Cola volumes slip; Coca Cola shares fall', ['KO']],
    ['McDonald’s same-store sales beat estimates', ['MCD']],
    ['TESLA SHARES PLUNGE AFTER RECALL', ['TSLA']],
    ['Automakers slide as Tesla recall rattles investors; Ford falls too', ['F', 'TSLA']],
    ['Target shares slump after weak holiday forecast', ['TGT']],
    ['Target Corp Shares Slump After Weak Holiday Forecast', ['TGT']],
    ['$TGT slumps; Walmart Gains', ['TGT', 'WMT']],
    ['Oakridge Capital Markets upgrades Intel to buy', ['INTC']],
    // Wire-service slugs glued to the headline by a hyphen hid the company behind them.
    ['UPDATE 1-Tesla recalls 2 million cars over autopilot flaw', ['TSLA']],
    ['UPDATE 12-Apple beats estimates, raises buyback', ['AAPL']],
    ['RPT-Ford cuts full-year outlook', ['F']],
    ['BRIEF-Boeing says February deliveries fell', ['BA']],
    ['EXCLUSIVE-Nvidia plans new chip for China', ['NVDA']],
    ['GLOBAL MARKETS-Stocks slip as Microsoft weighs', ['MSFT']],
    ['US-China trade talks weigh on Apple', ['AAPL']],
  ])('%s → %j', (title, expected) => {
    expect(tickersIn(title)).toEqual(expected);
  });

  it.each([
    ['ge is not a ticker in lower case', 'a word that merely contains ge'],
    ['F is a letter grade; so is C', 'bare single letters are never tickers'],
    ['T-bills rally as yields fall', 'nor is the T of T-bills'],
    ['We ate an apple and hit the target', 'lower-case common nouns are not company names'],
    ['GE Vernova wins turbine order', 'GE Vernova is excluded from GE'],
    ['A meta-analysis of stock returns', 'meta-analysis is one word, not Meta'],
    ['UPDATE 2-Stocks rally as yields fall', 'a wire slug is not a ticker'],
    ['Non-Apple phone makers gain share', 'only a capitals slug at the start is cut off'],
    [
      'STOCKS HIT NEW LOW AS RATES CLIMB',
      'all-caps headlines make no bare tickers (LOW, NOW, ALL)',
    ],
    ['HD video and MS Word are not tickers', 'tickers flagged unsafe need a cashtag'],
    ['Stocks rally to record highs on strong data', 'a market headline names no company'],
    ['Retailer Misses Its Sales Target Again', 'in Title Case a common-word name is just a word'],
    ['New Intel Suggests Rates Will Stay Higher', 'nor is Intel (intelligence) in Title Case'],
    ['TARGET DATE FUNDS DRAW RECORD INFLOWS', 'nor in capitals'],
    ['Analysts raise their price target on the stock', 'price target is excluded from Target'],
  ])('%s: nothing (%s)', (title) => {
    expect(tickersIn(title)).toEqual([]);
  });

  it('rolls a company up into its company and sector topics, and adds the source', () => {
    const mentions = matcher.match({ title: 'Tesla shares slide', source: 'northwire' });
    expect(keysOf(mentions, 'ticker')).toEqual(['TSLA']);
    expect(keysOf(mentions, 'company')).toEqual(['Tesla']);
    expect(keysOf(mentions, 'sector')).toEqual(['Consumer Discretionary']);
    expect(keysOf(mentions, 'source')).toEqual(['northwire']);
  });

  it('matches keywords as whole words in any case, with `*` for endings', () => {
    const mentions = matcher.match({
      title: 'LAWSUIT filed; company Recalls cars after layoffs',
      summary: 'Analysts cut the price target. Lawsuits are not the keyword lawsuit twice.',
      source: 'x',
    });
    expect(keysOf(mentions, 'keyword')).toEqual(
      ['price target', 'recall', 'layoff', 'lawsuit'].sort(),
    );
    const none = matcher.match({ title: 'Bankruptcyish news about relayoffs', source: 'x' });
    expect(keysOf(none, 'keyword')).toEqual([]);
  });

  it('ranks title above summary and earlier above later, keeping one mention per topic', () => {
    const mentions = matcher.match({
      title: 'Nvidia rallies while Intel slips',
      summary: 'Apple was flat. Nvidia was mentioned again at the end: Nvidia.',
      source: 'x',
    });
    const relevance = (key: string): number =>
      mentions.find((m) => m.kind === 'ticker' && m.key === key)?.relevance ?? -1;
    expect(relevance('NVDA')).toBe(1);
    expect(relevance('NVDA')).toBeGreaterThan(relevance('INTC'));
    expect(relevance('INTC')).toBeGreaterThan(relevance('AAPL'));
    expect(relevance('AAPL')).toBeLessThanOrEqual(0.6);
    const ids = mentions.map((m) => `${m.kind}:${m.key}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of mentions) {
      expect(m.relevance).toBeGreaterThanOrEqual(0);
      expect(m.relevance).toBeLessThanOrEqual(1);
    }
    // Sorted by relevance, highest first.
    const values = mentions.map((m) => m.relevance ?? 0);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('finds a product at lower relevance than the maker’s name', () => {
    const product = matcher.match({ title: 'iPhone demand cools', source: 'x' });
    const name = matcher.match({ title: 'Apple demand cools', source: 'x' });
    const rel = (ms: TopicMention[]) => ms.find((m) => m.key === 'AAPL')?.relevance ?? 0;
    expect(rel(product)).toBeGreaterThan(0);
    expect(rel(product)).toBeLessThan(rel(name));
  });

  it('honours bareTicker and exclude from the watchlist it was given', () => {
    const custom = parseWatchlist({
      companies: [
        { ticker: 'NOW', name: 'ServiceNow', sector: 'Information Technology', bareTicker: true },
        {
          ticker: 'AMZN',
          name: 'Amazon',
          sector: 'Consumer Discretionary',
          exclude: ['Amazon rainforest'],
        },
      ],
    });
    const m = createTopicMatcher({ watchlist: custom });
    expect(keysOf(m.match({ title: 'NOW beats estimates', source: 'x' }), 'ticker')).toEqual([
      'NOW',
    ]);
    expect(keysOf(m.match({ title: 'Amazon rainforest fires', source: 'x' }), 'ticker')).toEqual(
      [],
    );
    expect(keysOf(m.match({ title: 'Amazon raises prices', source: 'x' }), 'ticker')).toEqual([
      'AMZN',
    ]);
  });
});
