/**
 * Plays a stream onto the bus: item i goes out (t_i − t_0)/speed after the start, or as fast as the bus takes
 * it with speed 'max'; publishedAt stays as in the stream (history), fetchedAt is the moment of publishing.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Bus, OutgoingMessage } from '../../core/bus.ts';
import { encodeItem } from '../../core/codec.ts';
import type { NewsItem } from '../../core/news.ts';
import type { IngestProblem } from '../common/problems.ts';
import { readStream, type StreamContents } from './read-stream.ts';

export type ReplaySpeed = number | 'max';

export interface ReplayProgress {
  published: number;
  total: number;
  /** publishedAt of the last item published. */
  streamTime: string;
}

/** Time as the replay sees it; tests pass a fake one to check the schedule without waiting. */
export interface ReplayTimer {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms`, or early when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realTimer: ReplayTimer = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch {
      // Aborted: the caller checks the signal.
    }
  },
};

export interface ReplayItemsOptions {
  bus: Bus;
  /** Normally config.bus.topics.raw (`news.raw`). */
  topic: string;
  speed: ReplaySpeed;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: ReplayProgress) => void) | undefined;
  /** Most items per publish call; default 256. */
  batchSize?: number;
  timer?: ReplayTimer;
}

export interface ReplayOptions extends ReplayItemsOptions {
  dir: string;
}

export interface ReplayResult {
  published: number;
  duplicates: number;
  rejected: number;
  problems: IngestProblem[];
  startedAt: string;
  finishedAt: string;
  streamStart: string | undefined;
  streamEnd: string | undefined;
  /** True when the signal stopped the replay before every item was published. */
  aborted: boolean;
  /** Time spent reading and parsing the stream, and publishing it (including any scheduled waits). */
  readMs: number;
  publishMs: number;
}

/** Offsets (ms after the start) at which each item is due; undated items go out with the stream's last item. */
export function replaySchedule(
  contents: Pick<StreamContents, 'items' | 'undatedIds' | 'streamStart' | 'streamEnd'>,
  speed: number,
): number[] {
  const start = contents.streamStart === undefined ? 0 : Date.parse(contents.streamStart);
  const end = contents.streamEnd === undefined ? start : Date.parse(contents.streamEnd);
  return contents.items.map((item) => {
    const at = contents.undatedIds.has(item.id) ? end : Date.parse(item.publishedAt);
    return (Math.min(Math.max(at, start), end) - start) / speed;
  });
}

function toMessages(items: readonly NewsItem[], fetchedAt: string): OutgoingMessage[] {
  const messages = new Array<OutgoingMessage>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as NewsItem;
    messages[i] = { key: item.id, value: encodeItem({ ...item, fetchedAt }) };
  }
  return messages;
}

/** Publishes already-read stream contents; see replayStream. */
export async function replayItems(
  contents: Pick<StreamContents, 'items' | 'undatedIds' | 'streamStart' | 'streamEnd'>,
  options: ReplayItemsOptions,
): Promise<{ published: number; aborted: boolean }> {
  const { bus, topic, speed, signal, onProgress } = options;
  const timer = options.timer ?? realTimer;
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const items = contents.items;
  const due = speed === 'max' ? undefined : replaySchedule(contents, speed);
  const started = timer.now();
  let published = 0;
  while (published < items.length) {
    if (signal?.aborted) return { published, aborted: true };
    let end = Math.min(items.length, published + batchSize);
    if (due !== undefined) {
      const wait = (due[published] ?? 0) - (timer.now() - started);
      if (wait > 0) {
        await timer.sleep(wait, signal);
        if (signal?.aborted) return { published, aborted: true };
      }
      // Everything already due goes out together, so a slow bus does not stretch the stream.
      const elapsed = timer.now() - started;
      let last = published + 1;
      while (last < end && (due[last] ?? 0) <= elapsed) last += 1;
      end = last;
    }
    await bus.publish(topic, toMessages(items.slice(published, end), new Date().toISOString()));
    published = end;
    onProgress?.({
      published,
      total: items.length,
      streamTime: items[end - 1]?.publishedAt ?? '',
    });
  }
  return { published, aborted: false };
}

export async function replayStream(options: ReplayOptions): Promise<ReplayResult> {
  const startedAt = new Date().toISOString();
  const readStarted = performance.now();
  const contents = await readStream(options.dir);
  const publishStarted = performance.now();
  const { published, aborted } = await replayItems(contents, options);
  const publishEnded = performance.now();
  return {
    published,
    duplicates: contents.duplicates,
    rejected: contents.rejected,
    problems: contents.problems,
    startedAt,
    finishedAt: new Date().toISOString(),
    streamStart: contents.streamStart,
    streamEnd: contents.streamEnd,
    aborted,
    readMs: Math.round(publishStarted - readStarted),
    publishMs: Math.round(publishEnded - publishStarted),
  };
}
