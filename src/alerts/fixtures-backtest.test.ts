// The default rules over the committed fixture streams, scored by the generator's own labels: each shock fires for its ticker, company and sector inside the manifest's window, and nothing else fires.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateStream, labelledPoints, readWatchlist } from '../../fixtures/generator/streams.ts';
import type { SentimentLabel, TopicKind } from '../core/news.ts';
import { backtest } from './backtest.ts';
import { MemoryDataSource, type ScoredMention } from './data-source.ts';
import { loadRules } from './rules-file.ts';
import { sectorGroups } from './selector.ts';

/** What a confident model scores each label (p_pos − p_neg). */
const SCORE: Readonly<Record<SentimentLabel, number>> = {
  negative: -0.8,
  neutral: 0,
  positive: 0.8,
};

interface Manifest {
  start: string;
  end: string;
  expected: { alerts: { topic: { kind: string; key: string }; from: string; to: string }[] };
}

const watchlist = readWatchlist();
const nameOf = new Map(watchlist.companies.map((c) => [c.ticker, c.name]));

/** Mentions as the topic matcher emits them: a company's ticker, its name and its sector together. */
function mentionsOf(stream: string): ScoredMention[] {
  const points = labelledPoints(generateStream(stream, watchlist).tally, watchlist);
  const mentions: ScoredMention[] = [];
  for (const point of points) {
    const add = (kind: TopicKind, key: string) =>
      mentions.push({
        kind,
        key,
        publishedAtMs: point.ms,
        label: point.label,
        score: SCORE[point.label],
      });
    for (const topic of point.topics) {
      const colon = topic.indexOf(':');
      const kind = topic.slice(0, colon) as TopicKind;
      const key = topic.slice(colon + 1);
      add(kind, key);
      if (kind === 'ticker') add('company', nameOf.get(key) ?? key);
    }
  }
  return mentions;
}

describe.each(['calm-day', 'shock-tsla', 'shock-ba'])('default rules on %s', (stream) => {
  it('fire for each expected topic inside its window and nowhere else', async () => {
    const manifest = JSON.parse(
      readFileSync(
        new URL(`../../fixtures/streams/${stream}/manifest.json`, import.meta.url),
        'utf8',
      ),
    ) as Manifest;
    const result = await backtest(
      loadRules('config/rules.yaml'),
      new MemoryDataSource(mentionsOf(stream)),
      {
        fromMs: Date.parse(manifest.start),
        toMs: Date.parse(manifest.end),
        stepMs: 5 * 60_000,
        groups: sectorGroups(watchlist.companies),
        headlineLimit: 0,
      },
    );
    const firstFiring = new Map<string, number>();
    for (const e of result.events) {
      const topic = `${e.topic.kind}:${e.topic.key}`;
      if (e.event === 'firing' && !firstFiring.has(topic)) firstFiring.set(topic, e.atMs);
    }
    const expected = manifest.expected.alerts.map((a) => `${a.topic.kind}:${a.topic.key}`);
    expect([...firstFiring.keys()].sort()).toEqual([...expected].sort());
    for (const alert of manifest.expected.alerts) {
      const at = firstFiring.get(`${alert.topic.kind}:${alert.topic.key}`) ?? Number.NaN;
      expect(at).toBeGreaterThanOrEqual(Date.parse(alert.from));
      expect(at).toBeLessThanOrEqual(Date.parse(alert.to));
    }
  });
});
