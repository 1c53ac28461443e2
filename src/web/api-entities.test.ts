// The JSON API over a real embedded store and HTTP (issue 15.5): items carry their entities, and one topic's
// item list says what sentiment that topic got from each item.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entityTestItem,
  FORD_TOPICS,
  teslaSlumpsFordGains,
} from '../../test/support/entity-items.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import type { HeadlineRow, StoryResponse } from './dashboard-types.ts';
import { startWebServer, type WebServer } from './server.ts';

const NOW = Date.UTC(2026, 4, 6, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'bellwether-api-entities-'));
let store: Store;
let server: WebServer;

const MINUTE = 60_000;
const split = {
  ...teslaSlumpsFordGains('split', 'api-entities-model', NOW - 2 * MINUTE),
  story: { storyId: '0000000000e15', firstOfStory: true, storyItems1h: 0, storyItems24h: 0 },
};
const plain = entityTestItem('plain', 'api-entities-model', NOW - MINUTE, {
  title: 'Ford recalls trucks',
  label: 'negative',
  score: -0.6,
  topics: FORD_TOPICS,
});

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
    expect(items[1]?.entities).toEqual(split.entities);
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
      { label: 'negative', score: -0.8, fromEntity: true },
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
