/** A deterministic synthetic stream of ScoredItems (calm market, then a negative shock on one ticker) and the alert transitions such a shock raises: data for the dashboard and web tests. */

import type { AlertTransition } from '../../src/core/alert.ts';
import { alertFingerprint } from '../../src/core/alert.ts';
import type { ScoredItem, SentimentLabel, TopicMention } from '../../src/core/news.ts';
import { seededRandom } from '../../src/core/random.ts';

export interface SyntheticCompany {
  ticker: string;
  name: string;
  sector: string;
}

export const SYNTHETIC_COMPANIES: readonly SyntheticCompany[] = [
  { ticker: 'AAPL', name: 'Apple', sector: 'Technology' },
  { ticker: 'MSFT', name: 'Microsoft', sector: 'Technology' },
  { ticker: 'NVDA', name: 'Nvidia', sector: 'Technology' },
  { ticker: 'XOM', name: 'Exxon Mobil', sector: 'Energy' },
  { ticker: 'CVX', name: 'Chevron', sector: 'Energy' },
  { ticker: 'JPM', name: 'JPMorgan Chase', sector: 'Financials' },
  { ticker: 'BAC', name: 'Bank of America', sector: 'Financials' },
  { ticker: 'PFE', name: 'Pfizer', sector: 'Health Care' },
];

const SOURCES = ['wire-a', 'wire-b', 'daily-markets', 'tech-desk'] as const;

export interface SyntheticStreamOptions {
  /** First item's publication time, epoch ms. */
  startMs: number;
  /** Exclusive end, epoch ms. */
  endMs: number;
  /** Mean gap between items. */
  gapMs: number;
  /** The ticker whose news turns negative, and from when. */
  shock?: { ticker: string; fromMs: number; toMs: number } | undefined;
  modelVersion?: string;
  seed?: number;
}

const HEADLINES: Record<SentimentLabel, readonly string[]> = {
  negative: [
    '{name} shares slide after guidance cut',
    '{name} faces probe over accounting practices',
    'Analysts downgrade {name} on weak demand',
    '{name} recalls products, warns on margins',
  ],
  neutral: [
    '{name} schedules quarterly earnings call',
    '{name} names new head of investor relations',
    '{name} to present at industry conference',
  ],
  positive: [
    '{name} beats estimates, raises outlook',
    '{name} wins major contract',
    'Analysts upgrade {name} after strong quarter',
  ],
};

function pick<T>(list: readonly T[], r: number): T {
  const value = list[Math.floor(r * list.length) % list.length];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

function probsFor(label: SentimentLabel, r: number): ScoredItem['probs'] {
  const main = 0.6 + 0.35 * r;
  const rest = (1 - main) / 2;
  return {
    negative: label === 'negative' ? main : rest,
    neutral: label === 'neutral' ? main : rest,
    positive: label === 'positive' ? main : rest,
  };
}

/** One item every ~gapMs, spread over the companies; inside the shock window the shocked ticker is mostly negative. */
export function syntheticStream(options: SyntheticStreamOptions): ScoredItem[] {
  const rnd = seededRandom(options.seed ?? 7);
  const modelVersion = options.modelVersion ?? 'synthetic-1';
  const items: ScoredItem[] = [];
  let n = 0;
  for (
    let t = options.startMs;
    t < options.endMs;
    t += Math.max(1_000, Math.round(options.gapMs * (0.5 + rnd())))
  ) {
    const shock = options.shock;
    const inShock = shock !== undefined && t >= shock.fromMs && t < shock.toMs;
    // During a shock the shocked company is in the news far more often.
    const company =
      inShock && rnd() < 0.5
        ? (SYNTHETIC_COMPANIES.find((c) => c.ticker === shock.ticker) ??
          pick(SYNTHETIC_COMPANIES, rnd()))
        : pick(SYNTHETIC_COMPANIES, rnd());
    const r = rnd();
    const shocked = inShock && company.ticker === shock?.ticker;
    const label: SentimentLabel = shocked
      ? r < 0.8
        ? 'negative'
        : 'neutral'
      : r < 0.2
        ? 'negative'
        : r < 0.6
          ? 'neutral'
          : 'positive';
    const probs = probsFor(label, rnd());
    const source = pick(SOURCES, rnd());
    const topics: TopicMention[] = [
      { kind: 'ticker', key: company.ticker, relevance: 1 },
      { kind: 'company', key: company.name, relevance: 0.9 },
      { kind: 'sector', key: company.sector, relevance: 0.5 },
      { kind: 'source', key: source, relevance: 1 },
    ];
    if (label === 'negative' && rnd() < 0.3)
      topics.push({ kind: 'keyword', key: 'downgrade', relevance: 0.6 });
    const iso = new Date(t).toISOString();
    n++;
    items.push({
      id: `synthetic-${t}-${n}`,
      source,
      url: `https://news.example/${company.ticker.toLowerCase()}/${n}`,
      title: pick(HEADLINES[label], rnd()).replace('{name}', company.name),
      summary: `Synthetic item ${n} about ${company.name}.`,
      publishedAt: iso,
      fetchedAt: iso,
      lang: 'en',
      modelVersion,
      label,
      probs,
      score: probs.positive - probs.negative,
      topics,
      scoredAt: iso,
    });
  }
  return items;
}

/** The transitions an alert on the shocked ticker would record: pending, firing, and (optionally) resolved. */
export function syntheticShockTransitions(
  ticker: string,
  pendingAtMs: number,
  firingAtMs: number,
  resolvedAtMs?: number,
): AlertTransition[] {
  const rule = 'negative-share-spike';
  const labels = { topic_kind: 'ticker', topic_key: ticker };
  const base = {
    rule,
    fingerprint: alertFingerprint(rule, labels),
    labels,
    severity: 'critical' as const,
  };
  const out: AlertTransition[] = [
    {
      ...base,
      at: new Date(pendingAtMs).toISOString(),
      from: 'inactive',
      to: 'pending',
      annotations: { summary: `negative share of ${ticker} above its 24 h baseline` },
      value: 0.62,
    },
    {
      ...base,
      at: new Date(firingAtMs).toISOString(),
      from: 'pending',
      to: 'firing',
      annotations: { summary: `negative share of ${ticker} above its 24 h baseline` },
      value: 0.71,
    },
  ];
  if (resolvedAtMs !== undefined) {
    out.push({
      ...base,
      at: new Date(resolvedAtMs).toISOString(),
      from: 'firing',
      to: 'resolved',
      annotations: { summary: `negative share of ${ticker} back near its baseline` },
      value: 0.21,
    });
  }
  return out;
}
