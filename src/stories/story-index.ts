/**
 * The sliding-window story index: assigns each headline to the story of its closest earlier near-duplicate
 * (MinHash LSH for candidates, exact token overlap to decide), or starts a story. Bounded: a ring of
 * `capacity` items, none older than `windowMs` behind the newest. Every per-item field lives in typed arrays,
 * so a million items cost no garbage collection work and a fixed, measurable amount of memory.
 */
import { keyHash } from '../bus/memory/partitioner.ts';
import { storiesConfigSchema } from '../config/stories.ts';
import type { StoryAssignment } from '../core/news.ts';
import { HeadlineTokens, MAX_TOKENS } from './headline-tokens.ts';
import { BANDS, bandKeys } from './minhash.ts';

export interface StoryIndexOptions {
  /** How far back (by publication time) a copy still joins a story. */
  windowMs: number;
  /** Items held at most; the oldest are forgotten first. */
  capacity: number;
  /** Overlap score (see `similarity`) at or above which two headlines are one story. */
  threshold: number;
}

/** The config's defaults (`stories` in src/config/stories.ts), for tests and benchmarks. */
export const STORY_DEFAULTS: StoryIndexOptions = storiesConfigSchema.parse({});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** 2^20 buckets per band: about one item per bucket at a million items. */
const BUCKET_BITS = 20;
const BUCKET_MASK = (1 << BUCKET_BITS) - 1;
/** Candidates read per band chain, newest first: true copies are recent, old collisions are not worth reading. */
const MAX_CHAIN = 16;
/** Items of one story read when counting; a story carried more often than this counts this many. */
const MAX_STORY_WALK = 4096;
/** A cut headline of fewer words than this is compared as if this long, so two shared words never make a copy. */
const MIN_PREFIX_WORDS = 3;
const NONE = -1;

/**
 * How alike a new headline `a[0, aCount)` is to a stored one `b[bStart, bStart + bCount)`, both sorted hash
 * sets: Dice (2|A ∩ B| / (|A| + |B|)) as a rule, since a desk's other edits keep the words; when the new one
 * was cut short, the share of its words found in the stored one. Not the reverse: a stored cut headline is a
 * prefix of every story of its company that opens alike, and whole headlines would all join it.
 */
export function similarity(
  a: Uint32Array,
  aCount: number,
  aCut: boolean,
  b: Uint32Array,
  bStart: number,
  bCount: number,
  bCut: boolean,
): number {
  let i = 0;
  let j = bStart;
  const bEnd = bStart + bCount;
  let shared = 0;
  while (i < aCount && j < bEnd) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  if (!aCut) return aCount + bCount === 0 ? 0 : (2 * shared) / (aCount + bCount);
  return shared / Math.max(bCut ? Math.min(aCount, bCount) : aCount, MIN_PREFIX_WORDS);
}

/** Story ids are 52-bit hashes of the first item's id, 13 hex digits: stable across restarts and processes. */
function storyIdOf(hi: number, lo: number): string {
  return hi.toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0');
}

const STORY_ID = /^[0-9a-f]{13}$/;

export class StoryIndex {
  private readonly capacity: number;
  private readonly seqAt: Float64Array;
  private readonly timeMs: Float64Array;
  private readonly tokens: Uint32Array;
  private readonly tokenCount: Uint8Array;
  private readonly cut: Uint8Array;
  private readonly idHash: Uint32Array;
  private readonly entities: Uint32Array;
  /** Per slot: the last query that read it, so a candidate found in several bands is compared once. */
  private readonly seenBy: Float64Array;
  private readonly storyHi: Uint32Array;
  private readonly storyLo: Uint32Array;
  /** Per slot and band: the slot of the previous item in the same bucket (a chain, newest first). */
  private readonly prevInBucket: Int32Array;
  /** Per slot: the slot of the previous item of the same story. */
  private readonly prevInStory: Int32Array;
  private readonly bucketHead: Int32Array;
  /** Story key (hi * 2^32 + lo) → slot of its newest item. */
  private readonly storyLatest = new Map<number, number>();
  private readonly reader = new HeadlineTokens();
  private readonly scratchTokens = new Uint32Array(MAX_TOKENS);
  private readonly scratchKeys = new Uint32Array(BANDS);
  private nextSeq = 0;
  private newestMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: StoryIndexOptions = STORY_DEFAULTS) {
    const n = options.capacity;
    this.capacity = n;
    this.seqAt = new Float64Array(n).fill(NONE);
    this.timeMs = new Float64Array(n);
    this.tokens = new Uint32Array(n * MAX_TOKENS);
    this.tokenCount = new Uint8Array(n);
    this.cut = new Uint8Array(n);
    this.idHash = new Uint32Array(n);
    this.entities = new Uint32Array(n);
    this.seenBy = new Float64Array(n).fill(NONE);
    this.storyHi = new Uint32Array(n);
    this.storyLo = new Uint32Array(n);
    this.prevInBucket = new Int32Array(n * BANDS);
    this.prevInStory = new Int32Array(n);
    this.bucketHead = new Int32Array(BANDS << BUCKET_BITS).fill(NONE);
  }

  /** Items held (at most `capacity`; some may be older than the window until overwritten). */
  get size(): number {
    return Math.min(this.nextSeq, this.capacity);
  }

  /**
   * Assigns the item to a story and remembers it. A redelivered id gets its first assignment's story again.
   * `entities` is the item's `entityMask`: items naming disjoint companies are not compared.
   */
  assign(id: string, title: string, publishedMs: number, entities = 0): StoryAssignment {
    const count = this.reader.read(title, this.scratchTokens);
    bandKeys(this.scratchTokens, count, this.scratchKeys);
    const hash = keyHash(id);
    const match = this.bestMatch(count, publishedMs, hash, entities);
    const ownHi = keyHash(`story:${id}`) & 0xfffff;
    if (match !== NONE && this.idHash[match] === hash && this.sameTokensAt(match, count)) {
      const started = this.storyHi[match] === ownHi && this.storyLo[match] === hash;
      return this.describe(match, publishedMs, started);
    }
    const hi = match === NONE ? ownHi : (this.storyHi[match] ?? 0);
    const lo = match === NONE ? hash : (this.storyLo[match] ?? 0);
    // A copy whose companies went unrecognised takes its story's, so it cannot link that story to another.
    const known = entities === 0 && match !== NONE ? (this.entities[match] ?? 0) : entities;
    const slot = this.insert(count, publishedMs, hash, hi, lo, known);
    return this.describe(slot, publishedMs, match === NONE);
  }

  /** Puts back an item already assigned (rebuilding the window from the store on start). */
  restore(id: string, title: string, publishedMs: number, storyId: string, entities = 0): void {
    if (!STORY_ID.test(storyId)) {
      throw new Error(`story id ${JSON.stringify(storyId)} of item ${id} is not 13 hex digits`);
    }
    const count = this.reader.read(title, this.scratchTokens);
    bandKeys(this.scratchTokens, count, this.scratchKeys);
    const hi = Number.parseInt(storyId.slice(0, 5), 16);
    const lo = Number.parseInt(storyId.slice(5), 16);
    this.insert(count, publishedMs, keyHash(id), hi, lo, entities);
  }

  private isLive(slot: number): boolean {
    return (
      (this.seqAt[slot] ?? NONE) !== NONE &&
      (this.timeMs[slot] ?? 0) >= this.newestMs - this.options.windowMs
    );
  }

  /** The live candidate with the highest similarity at or above the threshold, preferring the newest on ties. */
  private bestMatch(count: number, publishedMs: number, hash: number, entities: number): number {
    if (count === 0) return NONE;
    const query = this.nextSeq;
    const floor = Math.max(this.newestMs, publishedMs) - this.options.windowMs;
    let best = NONE;
    let bestScore = this.options.threshold;
    for (let band = 0; band < BANDS; band++) {
      let slot =
        this.bucketHead[(band << BUCKET_BITS) | ((this.scratchKeys[band] ?? 0) & BUCKET_MASK)] ??
        NONE;
      let newerSeq = Number.POSITIVE_INFINITY;
      for (let steps = 0; slot !== NONE && steps < MAX_CHAIN; steps++) {
        const seq = this.seqAt[slot] ?? NONE;
        // A slot overwritten since it was linked holds a newer item than its successor: the chain ends there.
        if (seq === NONE || seq >= newerSeq) break;
        newerSeq = seq;
        // Once a copy with every word is found only the item itself (redelivered) could still be better.
        if (bestScore >= 1 && this.idHash[slot] === hash && this.seenBy[slot] !== query) {
          this.seenBy[slot] = query;
          if (this.sameTokensAt(slot, count)) return slot;
        }
        const theirs = this.entities[slot] ?? 0;
        const comparable = entities === 0 || theirs === 0 || (entities & theirs) !== 0;
        if (
          bestScore < 1 &&
          comparable &&
          this.seenBy[slot] !== query &&
          (this.timeMs[slot] ?? 0) >= floor
        ) {
          this.seenBy[slot] = query;
          const score = similarity(
            this.scratchTokens,
            count,
            this.reader.truncated,
            this.tokens,
            slot * MAX_TOKENS,
            this.tokenCount[slot] ?? 0,
            this.cut[slot] === 1,
          );
          if (score >= 1 && this.idHash[slot] === hash) return slot;
          if (score > bestScore || (score === bestScore && best === NONE)) {
            best = slot;
            bestScore = score;
          }
        }
        slot = this.prevInBucket[slot * BANDS + band] ?? NONE;
      }
    }
    return best;
  }

  private sameTokensAt(slot: number, count: number): boolean {
    if (this.tokenCount[slot] !== count) return false;
    const base = slot * MAX_TOKENS;
    for (let i = 0; i < count; i++)
      if (this.tokens[base + i] !== this.scratchTokens[i]) return false;
    return true;
  }

  private insert(
    count: number,
    publishedMs: number,
    hash: number,
    hi: number,
    lo: number,
    entities: number,
  ): number {
    const seq = this.nextSeq++;
    const slot = seq % this.capacity;
    this.evict(slot);
    this.seqAt[slot] = seq;
    this.timeMs[slot] = publishedMs;
    this.tokens.set(this.scratchTokens.subarray(0, count), slot * MAX_TOKENS);
    this.tokenCount[slot] = count;
    this.cut[slot] = this.reader.truncated ? 1 : 0;
    this.idHash[slot] = hash;
    this.entities[slot] = entities;
    this.storyHi[slot] = hi;
    this.storyLo[slot] = lo;
    for (let band = 0; band < BANDS; band++) {
      const bucket = (band << BUCKET_BITS) | ((this.scratchKeys[band] ?? 0) & BUCKET_MASK);
      this.prevInBucket[slot * BANDS + band] =
        count === 0 ? NONE : (this.bucketHead[bucket] ?? NONE);
      if (count > 0) this.bucketHead[bucket] = slot;
    }
    const key = hi * 0x1_0000_0000 + lo;
    this.prevInStory[slot] = this.storyLatest.get(key) ?? NONE;
    this.storyLatest.set(key, slot);
    if (publishedMs > this.newestMs) this.newestMs = publishedMs;
    return slot;
  }

  /** Forgets the slot's old item; its story forgets it as its newest item only if nothing newer joined. */
  private evict(slot: number): void {
    if ((this.seqAt[slot] ?? NONE) === NONE) return;
    const key = (this.storyHi[slot] ?? 0) * 0x1_0000_0000 + (this.storyLo[slot] ?? 0);
    if (this.storyLatest.get(key) === slot) this.storyLatest.delete(key);
    this.seqAt[slot] = NONE;
  }

  /** The assignment of the item in `slot`: its story, and the story's other items published up to it. */
  private describe(slot: number, publishedMs: number, started: boolean): StoryAssignment {
    const hi = this.storyHi[slot] ?? 0;
    const lo = this.storyLo[slot] ?? 0;
    let items1h = 0;
    let items24h = 0;
    let cursor = this.storyLatest.get(hi * 0x1_0000_0000 + lo) ?? NONE;
    let newerSeq = Number.POSITIVE_INFINITY;
    for (let steps = 0; cursor !== NONE && steps < MAX_STORY_WALK; steps++) {
      const seq = this.seqAt[cursor] ?? NONE;
      if (seq === NONE || seq >= newerSeq) break;
      newerSeq = seq;
      const t = this.timeMs[cursor] ?? 0;
      if (cursor !== slot && this.isLive(cursor) && t <= publishedMs) {
        if (t > publishedMs - HOUR_MS) items1h++;
        if (t > publishedMs - DAY_MS) items24h++;
      }
      cursor = this.prevInStory[cursor] ?? NONE;
    }
    return {
      storyId: storyIdOf(hi, lo),
      firstOfStory: started,
      storyItems1h: items1h,
      storyItems24h: items24h,
    };
  }
}
