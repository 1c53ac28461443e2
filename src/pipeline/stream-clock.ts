/**
 * The pipeline's notion of "now". Live feeds run on the wall clock; a replay runs on the stream's own
 * timeline (its items keep their historical timestamps), so windows, movers and alerts follow the replay.
 */
import type { Clock } from '../core/clock.ts';

export class StreamClock implements Clock {
  private streamMs: number | undefined;

  constructor(private readonly wall: Clock) {}

  /** Moves stream time forward to `ms` (never backwards: late items do not rewind the clock). */
  advanceTo(ms: number): void {
    if (this.streamMs === undefined || ms > this.streamMs) this.streamMs = ms;
  }

  now(): number {
    return this.streamMs ?? this.wall.now();
  }
}
