/** A per-notifier queue: deliveries run one at a time in the background, retried with backoff or as Retry-After asks. */
import { backoffDelayMs } from '../../core/backoff.ts';
import { describeError, isRetriable, ServiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { honourRetryAfter } from '../../core/retry-after.ts';

export interface DeliveryQueueOptions {
  name: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  capacity: number;
  /** Newer items replace unsent older ones without a warning (each carries the whole current state). */
  supersede?: boolean | undefined;
  logger?: Logger | undefined;
}

export interface DeliveryStats {
  delivered: number;
  /** Attempts that failed and were retried. */
  retried: number;
  /** Given up after the last attempt or on an error retrying cannot fix. */
  failed: number;
  /** Dropped unsent because the queue was full. */
  dropped: number;
}

export class DeliveryQueue<T> {
  private readonly items: T[] = [];
  private worker: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private sleeping: ReturnType<typeof setTimeout> | undefined;
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, failed: 0, dropped: 0 };

  constructor(
    private readonly send: (item: T) => Promise<void>,
    private readonly options: DeliveryQueueOptions,
  ) {}

  /** Never waits: the engine's evaluation must not block on a slow or dead target. */
  enqueue(item: T): void {
    if (this.closed) return;
    if (this.items.length >= this.options.capacity) {
      this.items.shift();
      this.stats.dropped += 1;
      if (!this.options.supersede) {
        this.options.logger?.warn(
          { notifier: this.options.name },
          'notification queue full; oldest dropped',
        );
      }
    }
    this.items.push(item);
    this.worker ??= this.run().finally(() => {
      this.worker = undefined;
    });
  }

  get pending(): number {
    return this.items.length + (this.worker ? 1 : 0);
  }

  private async run(): Promise<void> {
    for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) {
      await this.deliver(item);
    }
  }

  private async deliver(item: T): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(item);
        this.stats.delivered += 1;
        return;
      } catch (error) {
        const retry = isRetriable(error) && attempt < this.options.maxAttempts && !this.closed;
        const { delayMs, note } = honourRetryAfter(
          backoffDelayMs(attempt, {
            baseMs: this.options.baseDelayMs,
            maxMs: this.options.maxDelayMs,
          }),
          error instanceof ServiceError ? error.retryAfterMs : undefined,
        );
        this.options.logger?.warn(
          {
            notifier: this.options.name,
            attempt,
            retry,
            ...(retry ? { retryInMs: delayMs, retryNote: note } : {}),
            err: describeError(error),
          },
          'notification delivery failed',
        );
        if (!retry) {
          this.stats.failed += 1;
          return;
        }
        this.stats.retried += 1;
        await this.sleep(delayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleeping = setTimeout(resolve, ms);
    });
  }

  /** Waits until everything queued is delivered or given up, or `timeoutMs` passes. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.worker && Date.now() < deadline) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.worker,
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
    }
  }

  /** Stops retrying (an in-flight attempt finishes) and waits up to `timeoutMs`. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    if (this.sleeping) clearTimeout(this.sleeping);
    this.wake?.();
    await this.drain(timeoutMs);
  }
}
