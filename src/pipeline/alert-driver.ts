/**
 * Drives the alert engine along a replay's timeline: it evaluates at every step of stream time, but only
 * once the pipeline has drained what was published so far, so each evaluation sees complete data — live at
 * 60× and as a catch-up at `--speed max`.
 */
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export interface Evaluator {
  evaluateOnce(nowMs: number): Promise<unknown>;
}

export interface ReplayAlertDriverOptions {
  engine: Evaluator;
  /** Stream time up to which items have been published. */
  streamNow: () => number;
  /** Whether everything published so far has been stored. */
  isDrained: () => boolean;
  stepMs: number;
  /** Stream time of the first evaluation (the replay's start); default: when the driver first runs. */
  fromMs?: number | undefined;
  logger: Logger;
  /** Evaluations per wake-up, so a long catch-up does not starve the event loop. */
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
        this.running = this.catchUp(this.options.maxStepsPerTick ?? 200).finally(() => {
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

  private async catchUp(maxSteps: number): Promise<void> {
    const { engine, streamNow, isDrained, stepMs, logger } = this.options;
    if (!isDrained()) return;
    const target = streamNow();
    if (!Number.isFinite(target)) return;
    let next =
      this.lastEvaluatedMs === undefined
        ? Math.floor(target / stepMs) * stepMs
        : this.lastEvaluatedMs + stepMs;
    for (let steps = 0; next <= target && steps < maxSteps; steps++, next += stepMs) {
      try {
        await engine.evaluateOnce(next);
        this.evaluations += 1;
      } catch (error) {
        logger.error(
          { err: describeError(error), at: new Date(next).toISOString() },
          'alert evaluation failed',
        );
      }
      this.lastEvaluatedMs = next;
    }
  }
}
