import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import { StoryAssigner } from './story-assigner.ts';

const T0 = Date.parse('2026-03-02T14:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'bellwether-stories-'));
let store: Store;

beforeAll(async () => {
  store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  await store.connect();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function scored(id: string, title: string, atMs: number): ScoredItem {
  return {
    id,
    source: 'wire',
    title,
    publishedAt: new Date(atMs).toISOString(),
    fetchedAt: new Date(atMs).toISOString(),
    modelVersion: 'm1',
    label: 'negative',
    probs: { negative: 0.8, neutral: 0.1, positive: 0.1 },
    score: -0.7,
    topics: [{ kind: 'ticker', key: 'TSLA' }],
    scoredAt: new Date(atMs).toISOString(),
  };
}

describe('issue 15.1 — the sink’s story window survives a restart (rebuilt from the store)', () => {
  it('a copy arriving after a restart joins the story stored before it', async () => {
    const before = new StoryAssigner(store, silentLogger);
    expect(await before.restore()).toBe(0);
    const first = before.assign([
      scored('a', 'Tesla shares plunge 11.2% as recall widens', T0),
      scored('b', 'Tesla ($TSLA) shares plunge 8.3% as recall widens', T0 + 60_000),
    ]);
    await store.writeScored(first);
    const storyId = first[0]?.story?.storyId;
    expect(first[1]?.story?.storyId).toBe(storyId);

    const after = new StoryAssigner(store, silentLogger);
    expect(await after.restore()).toBe(2);
    const [copy] = after.assign([
      scored('c', 'UPDATE 1-Tesla shares plunge 9% as recall widens', T0 + 120_000),
    ]);
    expect(copy?.story).toEqual({
      storyId,
      firstOfStory: false,
      storyItems1h: 2,
      storyItems24h: 2,
    });
  });
});
