import { describe, expect, it } from 'vitest';
import { HeadlineTokens, MAX_TOKENS } from './headline-tokens.ts';
import { STORY_DEFAULTS, StoryIndex } from './story-index.ts';

const T0 = Date.parse('2026-03-02T14:00:00Z');
const MIN = 60_000;

function tokensOf(title: string): number[] {
  const out = new Uint32Array(MAX_TOKENS);
  const count = new HeadlineTokens().read(title, out);
  return [...out.subarray(0, count)];
}

describe('issue 15.1 — syndicated copies of one headline are one story', () => {
  it('a wire prefix, a site suffix, an added ticker, a changed figure and a cut leave the same words', () => {
    const original = tokensOf('Tesla shares plunge 11.2% as recall widens');
    expect(original.length).toBe(5);
    for (const copy of [
      'Tesla ($TSLA) shares plunge 8.3% as recall widens',
      'UPDATE 2-Tesla shares plunge 11.2% as recall widens',
      'Tesla shares plunge 11.2% as recall widens - MarketWatch',
      'BREAKING: Tesla Shares Plunges 11.2% As Recall Widen',
    ]) {
      expect(tokensOf(copy), copy).toEqual(original);
    }
    expect(tokensOf('Tesla shares plunge 11.2% as rec…')).toEqual(tokensOf('Tesla shares plunge'));
  });

  it('copies join the first item’s story and count what came before them in the hour and the day', () => {
    const index = new StoryIndex();
    const first = index.assign('a', 'Tesla shares plunge 11.2% as recall widens', T0);
    expect(first).toMatchObject({ firstOfStory: true, storyItems1h: 0, storyItems24h: 0 });
    expect(first.storyId).toMatch(/^[0-9a-f]{13}$/);
    const copies = [
      index.assign('b', 'Tesla ($TSLA) shares plunge 8.3% as recall widens', T0 + 5 * MIN),
      index.assign('c', 'As recall widens, Tesla shares plunge', T0 + 30 * MIN),
      index.assign('d', 'Tesla shares plunge 9% as recall…', T0 + 3 * 60 * MIN),
    ];
    expect(copies.map((c) => c.storyId)).toEqual([first.storyId, first.storyId, first.storyId]);
    expect(copies.map((c) => c.firstOfStory)).toEqual([false, false, false]);
    expect(copies.map((c) => [c.storyItems1h, c.storyItems24h])).toEqual([
      [1, 1],
      [2, 2],
      [0, 3],
    ]);
  });

  it('a different story of the same company on the same day is another story', () => {
    const index = new StoryIndex();
    const recall = index.assign('a', 'Tesla shares plunge 11.2% as recall widens', T0);
    for (const [id, title] of [
      ['b', 'Tesla beats delivery estimates as China sales jump'],
      ['c', 'Tesla shares rise after analyst upgrade'],
      ['d', 'Tesla recall probe opened by safety regulator'],
      ['e', 'Tesla names new chief financial officer'],
    ] as const) {
      const other = index.assign(id, title, T0 + MIN);
      expect(other.storyId, title).not.toBe(recall.storyId);
      expect(other.firstOfStory).toBe(true);
    }
  });

  it('a redelivered item keeps its story and does not count itself', () => {
    const index = new StoryIndex();
    const first = index.assign('a', 'Boeing halts 737 deliveries after inspection finds flaw', T0);
    index.assign(
      'b',
      'Boeing halts 737 deliveries after inspection finds flaw - Reuters',
      T0 + MIN,
    );
    const again = index.assign('a', 'Boeing halts 737 deliveries after inspection finds flaw', T0);
    expect(again).toEqual(first);
    expect(index.size).toBe(2);
  });

  it('forgets items older than the window and beyond its capacity', () => {
    const windowed = new StoryIndex({ ...STORY_DEFAULTS, windowMs: 60 * MIN });
    const old = windowed.assign('a', 'Pfizer recalls heart drug over contamination', T0);
    windowed.assign('x', 'Unrelated chip maker story lifts semiconductor stocks', T0 + 90 * MIN);
    const late = windowed.assign(
      'b',
      'Pfizer recalls heart drug over contamination',
      T0 + 91 * MIN,
    );
    expect(late.storyId).not.toBe(old.storyId);
    expect(late.firstOfStory).toBe(true);

    const small = new StoryIndex({ ...STORY_DEFAULTS, capacity: 2 });
    const gone = small.assign('a', 'Pfizer recalls heart drug over contamination', T0);
    small.assign('x', 'Unrelated chip maker story lifts semiconductor stocks', T0 + MIN);
    small.assign('y', 'Oil prices slide as inventories swell', T0 + 2 * MIN);
    const after = small.assign('b', 'Pfizer recalls heart drug over contamination', T0 + 3 * MIN);
    expect(after.storyId).not.toBe(gone.storyId);
    expect(small.size).toBe(2);
  });

  it('a window restored from stored assignments gives new copies the stored story ids', () => {
    const restored = new StoryIndex();
    restored.restore('a', 'Tesla shares plunge 11.2% as recall widens', T0, '0123456789abc');
    const copy = restored.assign('b', 'Tesla ($TSLA) shares plunge as recall widens', T0 + MIN);
    expect(copy).toMatchObject({ storyId: '0123456789abc', firstOfStory: false, storyItems1h: 1 });
    expect(() => restored.restore('z', 'x', T0, 'not-an-id')).toThrow(/not 13 hex digits/);
  });
});
