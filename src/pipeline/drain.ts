/** Knows when everything ingested so far has gone all the way through scoring and the sink (in one process). */
import { sleep } from '../core/backoff.ts';
import type { StageCounters } from '../core/stage-counters.ts';

export interface PipelineProgress {
  /** Items put on the raw topic by this process's sources. */
  ingested(): number;
  score: StageCounters;
  sink: StageCounters;
}

/** True when every ingested item was handled by the scorer and every scored item by the sink. */
export function isDrained(progress: PipelineProgress): boolean {
  return (
    progress.score.received >= progress.ingested() &&
    progress.sink.received >= progress.score.emitted
  );
}

/** Polls until drained or aborted; returns whether it drained. */
export async function waitUntilDrained(
  progress: PipelineProgress,
  signal: AbortSignal,
  pollMs = 50,
): Promise<boolean> {
  while (!signal.aborted) {
    if (isDrained(progress)) return true;
    await sleep(pollMs, signal);
  }
  return isDrained(progress);
}
