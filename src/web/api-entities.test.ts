// The JSON API over a real embedded store and HTTP (issue 15.5): items carry their entities, and one topic's
// item list says what sentiment that topic got from each item.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { EntitySentiment, ScoredItem } from '../core/news.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import type { HeadlineRow, StoryResponse } from './dashboard-types.ts';
import { startWebServer, type WebServer } from './server.ts';

const NOW = Date.UTC(2026, 4, 6, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'bellwether-api-entities-'));
let store: Store;
let server: WebServer;

const entity = (
  company: string,
  ticker: string,
  label: EntitySentiment['label'],
  score: number,
): EntitySentiment => ({
  company,
  ticker,
  mention: company,
  label,
  probs:
    label === 'negative'
      ? { negative: 0.86, neutral: 0.1, positive: 0.04 }
      : { negative: 0.05, neutral: 0.2, positive: 0.75 },
  score,
  modelVersion: 'entity-api-1',
});
const TESLA = entity('Tesla', 'TSLA', 'negative', -0.82);
const FORD = entity('Ford', 'F', 'positive', 0.7);

function item(id: string, minutesAgo: number, fields: Partial<ScoredItem>): ScoredItem {
  const at = new Date(NOW - minutesAgo * 60_000).toISOString();
  return {
    id,
    source: 'api-wire',
    title: `Headline ${id}`,
    publishedAt: at,
    fetchedAt: at,
    modelVersion: 'api-entities-model',
    label: 'neutral',
    probs: { negative: 0.3, neutral: 0.4, positive: 0.3 },
    score: 0.05,
    topics: [
      { kind: 'company', key: 'Ford', relevance: 1 },
      { kind: 'ticker', key: 'F', relevance: 1 },
    ],
    scoredAt: at,
    ...fields,
  };
}

const split = item('split', 2, {
  title: 'Tesla slumps as Ford gains',
  topics: [
    { kind: 'company', key: 'Tesla', relevance: 1 },
    { kind: 'ticker', key: 'TSLA', relevance: 1 },
    { kind: 'company', key: 'Ford', relevance: 1 },
    { kind: 'ticker', key: 'F', relevance: 1 },
  ],
  entities: [TESLA, FORD],
  story: { storyId: '0000000000e15', firstOfStory: true, storyItems1h: 0, storyItems24h: 0 },
});
const plain = item('plain', 1, { title: 'Ford recalls trucks', label: 'negative', score: -0.6 });

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  await store.connect();
  await store.writeScored([split, plain]);
  server = await startWebServer({
    store,
    port: 0,
    logger: silentLogger,
    clock: new ManualClock(NOW),
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('issue 15.5 — entity sentiment in the API', () => {
  it('lists items with their entities; an item without entities has no such field', async () => {
    const { items } = await get<{ items: HeadlineRow[] }>('/api/v1/items');
    expect(items.map((i) => i.id)).toEqual(['plain', 'split']);
    expect(items[1]?.entities).toEqual([TESLA, FORD]);
    expect(items[0]).not.toHaveProperty('entities');
    expect(items[0]).not.toHaveProperty('topicSentiment');
  });

  it('gives one topic’s items with the sentiment that topic got from each', async () => {
    const ford = await get<{ items: HeadlineRow[] }>('/api/v1/items?kind=company&key=Ford');
    expect(ford.items.map((i) => [i.id, i.label, i.topicSentiment])).toEqual([
      ['plain', 'negative', { label: 'negative', score: -0.6, fromEntity: false }],
      ['split', 'neutral', { label: 'positive', score: 0.7, fromEntity: true }],
    ]);
    const tsla = await get<{ items: HeadlineRow[] }>('/api/v1/items?kind=ticker&key=TSLA');
    expect(tsla.items.map((i) => i.topicSentiment)).toEqual([
      { label: 'negative', score: -0.82, fromEntity: true },
    ]);
  });

  it('shows a story’s items with their entities', async () => {
    const story = await get<StoryResponse>('/api/v1/stories/0000000000e15');
    expect(story.items.map((i) => i.entities?.map((e) => [e.company, e.label]))).toEqual([
      [
        ['Tesla', 'negative'],
        ['Ford', 'positive'],
      ],
    ]);
  });
});
