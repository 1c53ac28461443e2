/**
 * Plays read stream contents onto the bus, optionally publishing the first stretch of stream time at full
 * speed (the demo's quiet night) before pacing the rest by `speed`. Reports progress as stream time.
 */
import type { Bus } from '../core/bus.ts';
import type { Logger } from '../core/logger.ts';
import type { StreamContents } from '../ingest/replay/read-stream.ts';
import { type ReplaySpeed, replayItems } from '../ingest/replay/replay-stream.ts';

type Contents = Pick<StreamContents, 'items' | 'undatedIds' | 'streamStart' | 'streamEnd'>;

export interface PacedReplayOptions {
  bus: Bus;
  topic: string;
  speed: ReplaySpeed;
  /** Stream time from the start published at full speed; ignored at speed 'max'. */
  fastForwardMs: number;
  signal: AbortSignal;
  logger: Logger;
  /** Total items published so far and the stream time reached (capped at the stream's end). */
  onProgress: (published: number, streamMs: number | undefined) => void;
}

export async function playPaced(
  contents: Contents,
  options: PacedReplayOptions,
): Promise<{ published: number; aborted: boolean }> {
  const { bus, topic, speed, signal, logger } = options;
  const startMs = contents.streamStart ? Date.parse(contents.streamStart) : undefined;
  const endMs = contents.streamEnd ? Date.parse(contents.streamEnd) : startMs;
  let before = 0;
  const onProgress = (progress: { published: number; streamTime: string }) => {
    const at = Date.parse(progress.streamTime);
    // Undated items replay at the end with today's date; they must not fling stream time forward.
    options.onProgress(
      before + progress.published,
      Number.isFinite(at) && endMs !== undefined ? Math.min(at, endMs) : undefined,
    );
  };
  let remaining = contents;
  if (speed !== 'max' && options.fastForwardMs > 0 && startMs !== undefined) {
    const splitMs = startMs + options.fastForwardMs;
    const isEarly = (item: StreamContents['items'][number]) =>
      !contents.undatedIds.has(item.id) && Date.parse(item.publishedAt) < splitMs;
    const ahead = await replayItems(
      { ...contents, items: contents.items.filter(isEarly) },
      { bus, topic, speed: 'max', signal, onProgress },
    );
    if (ahead.aborted) return ahead;
    before = ahead.published;
    remaining = {
      ...contents,
      items: contents.items.filter((item) => !isEarly(item)),
      streamStart: new Date(splitMs).toISOString(),
    };
    logger.info({ items: ahead.published, until: remaining.streamStart }, 'replay: fast-forwarded');
  }
  const rest = await replayItems(remaining, { bus, topic, speed, signal, onProgress });
  return { published: before + rest.published, aborted: rest.aborted };
}
