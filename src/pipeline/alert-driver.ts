/**
 * Drives the alert engine along a replay's timeline: it evaluates at every step of stream time up to the
 * point where everything is stored (the replay watermark), so each evaluation sees complete data — live
 * while a paced replay runs, and as a catch-up once a `--speed max` replay is stored.
 */
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface Evaluator {
  evaluateOnce(nowMs: number): Promise<unknown>;
}

export interface ReplayAlertDriverOptions {
  engine: Evaluator;
  /** Stream time up to which every item is stored (NaN while none is). */
  streamNow: () => number;
  stepMs: number;
  /** Stream time of the first evaluation (the replay's start); default: when the driver first runs. */
  fromMs?: number | undefined;
  logger: Logger;
  /** Most evaluations per wake-up; more steps due than this are strided over (see catchUp). */
  maxStepsPerTick?: number;
  tickMs?: number;
}

export class ReplayAlertDriver {
  private timer: NodeJS.Timeout | undefined;
  private lastEvaluatedMs: number | undefined;
  private running: Promise<void> | undefined;
  evaluations = 0;

  constructor(private readonly options: ReplayAlertDriverOptions) {
    if (options.fromMs !== undefined) {
      this.lastEvaluatedMs =
        Math.ceil(options.fromMs / options.stepMs) * options.stepMs - options.stepMs;
    }
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.running)
        this.running = this.catchUp(this.options.maxStepsPerTick ?? 20)
          // The timer owns this work: a failed tick is logged and the next one tries again.
          .catch((error: unknown) =>
            this.options.logger.error({ err: describeError(error) }, 'alert driver tick failed'),
          )
          .finally(() => {
            this.running = undefined;
          });
    }, this.options.tickMs ?? 200);
  }

  /** Evaluates every remaining step up to the stream's present (used when the replay has drained). */
  async flush(): Promise<void> {
    await this.running;
    await this.catchUp(Number.POSITIVE_INFINITY);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Evaluates the steps due up to the stream's present. When more than `maxSteps` are due (the replay runs
   * faster than the engine evaluates), it strides over the grid so that `maxSteps` evaluations reach the
   * present: alerts stay timely at a coarser resolution, and return to every step once caught up.
   */
  private async catchUp(maxSteps: number): Promise<void> {
    const { engine, streamNow, stepMs, logger } = this.options;
    const target = streamNow();
    if (!Number.isFinite(target)) return;
    const first =
      this.lastEvaluatedMs === undefined
        ? Math.floor(target / stepMs) * stepMs
        : this.lastEvaluatedMs + stepMs;
    if (first > target) return;
    const due = Math.floor((target - first) / stepMs) + 1;
    const stride = due > maxSteps ? Math.ceil(due / maxSteps) * stepMs : stepMs;
    const last = first + (due - 1) * stepMs;
    let at = first;
    for (;;) {
      try {
        await engine.evaluateOnce(at);
        this.evaluations += 1;
      } catch (error) {
        logger.error(
          { err: describeError(error), at: new Date(at).toISOString() },
          'alert evaluation failed',
        );
      }
      this.lastEvaluatedMs = at;
      if (at >= last) break;
      // The present is always evaluated, even when the stride would step over it.
      at = Math.min(at + stride, last);
    }
  }
}
