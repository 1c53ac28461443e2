// The shipped spike rule counts stories: ten copies of one negative story on a calm day stay quiet, ten different negative stories fire.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertEngine } from '../../src/alerts/engine.ts';
import { parseRules } from '../../src/alerts/rules-file.ts';
import { storeDataSource } from '../../src/alerts/store-data-source.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ScoredItem } from '../../src/core/news.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { StoryAssigner } from '../../src/stories/story-assigner.ts';

const MIN = 60_000;
const T = Date.parse('2026-03-10T15:00:00Z');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const shipped = parseRules(
  readFileSync(new URL('../../config/rules.yaml', import.meta.url), 'utf8'),
);
const companyRule = shipped.rules.filter((rule) => rule.name === 'CompanyNegativeSpike');
/** The shipped rule as it is (counting stories), or switched to counting items. */
const rulesCounting = (count: 'items' | 'stories') => ({
  ...shipped,
  rules: companyRule.map((rule) =>
    rule.detector.type === 'negative-share-spike'
      ? { ...rule, detector: { ...rule.detector, count } }
      : rule,
  ),
});

const CALM = [
  'Tesla opens new service center in Ohio',
  'Tesla updates navigation software for older models',
  'Tesla hires former airline executive for logistics role',
  'Tesla schedules annual shareholder meeting for June',
  'Tesla expands charging network along interstate corridor',
  'Tesla delays hiring at Berlin plant amid slow orders',
];

const COPIES = [
  'Tesla shares plunge 11.2% as recall widens',
  'Tesla ($TSLA) shares plunge 8.3% as recall widens',
  'UPDATE 1-Tesla shares plunge 11.2% as recall widens',
  'As recall widens, Tesla shares plunge',
  'Tesla shares plunge 11.2% as recall widens - Northwire',
  'BREAKING: Tesla shares plunge 12% as recall widens',
  'Tesla shares plunge 11.2% as recall…',
  'Tesla shares plunge 11.2% as recall widens | Tapefeed',
  'EXCLUSIVE-Tesla ($TSLA) shares plunge as recall widens',
  'Tesla shares plunge 10.9% as recall widens - Harbor Ledger',
];

const DIFFERENT = [
  'Tesla shares plunge 11.2% as recall widens',
  'Regulators open probe into Tesla autopilot crashes',
  'Tesla cuts full-year delivery forecast on weak demand',
  'Tesla sued by investors over disclosure failures',
  'Tesla chief financial officer resigns abruptly',
  'Fire at Tesla battery supplier halts Nevada production',
  'Tesla loses key government contract to rival carmaker',
  'Analyst downgrades Tesla citing mounting inventory glut',
  'Tesla workers strike at Texas factory over safety',
  'Tesla misses quarterly profit estimates by wide margin',
];

function scored(id: string, title: string, ms: number, negative: boolean): ScoredItem {
  const at = new Date(ms).toISOString();
  return {
    id,
    source: 'wire',
    title,
    publishedAt: at,
    fetchedAt: at,
    modelVersion: 'test-v1',
    label: negative ? 'negative' : 'neutral',
    probs: { negative: negative ? 0.9 : 0.1, neutral: negative ? 0.05 : 0.8, positive: 0.05 },
    score: negative ? -0.85 : 0.05,
    topics: [
      { kind: 'ticker', key: 'TSLA' },
      { kind: 'company', key: 'Tesla' },
    ],
    scoredAt: at,
  };
}

/** A calm day (a Tesla item every 30 min, a few negative), then ten negative headlines in 24 minutes; evaluated twice. */
async function transitionsFor(
  burst: readonly string[],
  count: 'items' | 'stories' = 'stories',
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-story-spike-'));
  dirs.push(dir);
  const store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  await store.connect();
  try {
    const items: ScoredItem[] = [];
    for (let m = 25 * 60, n = 0; m > 60; m -= 30, n++) {
      const title = `${CALM[n % CALM.length]} (day ${n})`;
      items.push(scored(`calm-${n}`, title, T - m * MIN, n % 6 === 5));
    }
    burst.forEach((title, i) => {
      items.push(scored(`burst-${i}`, title, T - (24 - i * 2.4) * MIN, true));
    });
    const stories = new StoryAssigner(store, silentLogger);
    await store.writeScored(stories.assign(items));
    const clock = new ManualClock(T);
    const engine = new AlertEngine({
      rules: rulesCounting(count),
      dataSource: storeDataSource(store),
      stateStore: store,
      clock,
    });
    const seen: string[] = [];
    for (const at of [T - 2 * MIN, T + MIN]) {
      clock.set(at);
      const outcome = await engine.evaluateOnce(at);
      seen.push(...outcome.transitions.map((t) => `${t.labels.topic_key}:${t.from}→${t.to}`));
    }
    const alert = engine.snapshot().find((a) => a.labels.topic_key === 'TSLA');
    if (alert) seen.push(alert.annotations.description ?? '');
    return seen;
  } finally {
    await store.close();
  }
}

describe('issue 15.2 — the spike rule counts stories, not copies', () => {
  it('ten copies of one negative story on a calm day do not fire CompanyNegativeSpike', async () => {
    expect(companyRule[0]?.detector).toMatchObject({ count: 'stories' });
    expect(await transitionsFor(COPIES)).toEqual([]);
    // Counted as items, the same copies look like a spike: what the rule did before stories.
    expect(await transitionsFor(COPIES, 'items')).toContain('TSLA:pending→firing');
  });

  it('ten different negative stories do, and the alert text counts stories', async () => {
    const seen = await transitionsFor(DIFFERENT);
    expect(seen).toContain('TSLA:inactive→pending');
    expect(seen).toContain('TSLA:pending→firing');
    expect(seen.at(-1)).toMatch(/^10 of 10 TSLA stories .*\(10 stories \(10 items\);/);
  });
});
