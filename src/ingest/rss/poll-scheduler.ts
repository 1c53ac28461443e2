/**
 * Schedules the feed pollers: node-cron ticks every second; each feed is due on its own jittered interval,
 * never runs twice at once, and backs off exponentially (capped, honouring Retry-After) while it fails,
 * without affecting the other feeds.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { PollConfig } from '../../config/ingest.ts';
import { backoffDelayMs } from '../../core/backoff.ts';
import type { Clock } from '../../core/clock.ts';
import { formatDuration } from '../../core/duration.ts';
import { describeError, ServiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { honourRetryAfter } from '../../core/retry-after.ts';
import type { FeedPoller, PollResult } from './feed-poller.ts';
import { FeedFetchError } from './fetch-feed.ts';

export interface FeedStatus {
  name: string;
  running: boolean;
  nextDueAt: number;
  consecutiveFailures: number;
  lastError: string | undefined;
  polls: number;
  published: number;
}

interface Slot {
  poller: FeedPoller;
  running: Promise<void> | undefined;
  nextDueAt: number;
  failures: number;
  lastError: string | undefined;
  polls: number;
  published: number;
}

export interface PollSchedulerOptions {
  poll: PollConfig;
  clock: Clock;
  logger: Logger;
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Called after each poll, for counters and tests. */
  onPoll?: (feed: string, result: PollResult | { status: 'error'; error: unknown }) => void;
}

export class PollScheduler {
  private readonly slots: Slot[];
  private readonly random: () => number;
  private task: ScheduledTask | undefined;
  private readonly stopping = new AbortController();

  constructor(
    pollers: readonly FeedPoller[],
    private readonly options: PollSchedulerOptions,
  ) {
    this.random = options.random ?? Math.random;
    const now = options.clock.now();
    // The first polls are spread over each feed's jitter window so a restart does not hit every feed at once.
    this.slots = pollers.map((poller) => ({
      poller,
      running: undefined,
      nextDueAt: now + this.random() * this.jitterWindowMs(poller),
      failures: 0,
      lastError: undefined,
      polls: 0,
      published: 0,
    }));
  }

  /** Starts the per-second tick. */
  start(): void {
    if (this.task) return;
    this.task = cron.schedule('* * * * * *', () => this.tick(), {
      name: 'bellwether-feed-poller',
      noOverlap: true,
      // A tick skipped under load is harmless: the next one sees the same due feeds.
      suppressMissedWarning: true,
    });
    this.tick();
  }

  /** Launches every due feed that is not already running; returns the polls it started. */
  tick(): Promise<void>[] {
    if (this.stopping.signal.aborted) return [];
    const now = this.options.clock.now();
    const started: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (slot.running || now < slot.nextDueAt) continue;
      const run = this.run(slot).finally(() => {
        slot.running = undefined;
      });
      slot.running = run;
      started.push(run);
    }
    return started;
  }

  /** Stops ticking, cancels requests in flight and waits for the running polls to settle. */
  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    this.task = undefined;
    this.stopping.abort();
    await Promise.allSettled(this.slots.map((slot) => slot.running));
  }

  status(): FeedStatus[] {
    return this.slots.map((slot) => ({
      name: slot.poller.feed.name,
      running: slot.running !== undefined,
      nextDueAt: slot.nextDueAt,
      consecutiveFailures: slot.failures,
      lastError: slot.lastError,
      polls: slot.polls,
      published: slot.published,
    }));
  }

  private jitterWindowMs(poller: FeedPoller): number {
    return (poller.feed.intervalSec * 1000 * poller.feed.jitterPct) / 100;
  }

  /** The interval, moved by up to ± jitterPct percent. */
  private nextInterval(poller: FeedPoller): number {
    const window = this.jitterWindowMs(poller);
    return poller.feed.intervalSec * 1000 + (this.random() * 2 - 1) * window;
  }

  /** Exponential from backoffInitialSec, capped at backoffMaxSec; a longer Retry-After is honoured (retry-after.ts). */
  private backoff(failures: number, retryAfterMs?: number): { delayMs: number; note?: string } {
    const { backoffInitialSec, backoffMaxSec } = this.options.poll;
    const options = { baseMs: backoffInitialSec * 1000, maxMs: backoffMaxSec * 1000 };
    return honourRetryAfter(backoffDelayMs(failures, options, this.random), retryAfterMs);
  }

  private async run(slot: Slot): Promise<void> {
    const { logger, clock, onPoll } = this.options;
    const name = slot.poller.feed.name;
    slot.polls += 1;
    try {
      const result = await slot.poller.poll(this.stopping.signal);
      if (slot.failures > 0) {
        logger.info(
          { feed: name, failures: slot.failures },
          `feed ${name}: recovered after ${slot.failures} failed poll(s)`,
        );
      }
      slot.failures = 0;
      slot.lastError = undefined;
      slot.nextDueAt = clock.now() + this.nextInterval(slot.poller);
      if (result.status === 'ok') {
        slot.published += result.published;
        // Lost entries are worth a warning; fixes the parser made on its own (charset, dates) are not.
        const lost = result.problems.some((p) => p.kind === 'recovered' || p.kind === 'rejected');
        const level = lost
          ? 'warn'
          : result.published > 0 || result.problems.length > 0
            ? 'info'
            : 'debug';
        logger[level](
          {
            feed: name,
            published: result.published,
            seen: result.seen,
            rejected: result.rejected,
            problems: result.problems.slice(0, 20),
          },
          `feed ${name}: ${result.published} new item(s), ${result.seen} already seen, ${result.rejected} rejected`,
        );
      } else {
        logger.debug({ feed: name }, `feed ${name}: not modified`);
      }
      onPoll?.(name, result);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      slot.failures += 1;
      const retryAfter = error instanceof ServiceError ? error.retryAfterMs : undefined;
      const { delayMs: delay, note } = this.backoff(slot.failures, retryAfter);
      slot.nextDueAt = clock.now() + delay;
      const reason = error instanceof FeedFetchError ? error.reason : describeError(error);
      slot.lastError = reason;
      logger.warn(
        { feed: name, failures: slot.failures, retryInMs: delay, err: describeError(error) },
        `feed ${name}: ${reason}, retrying in ${formatDuration(Math.round(delay / 1000) * 1000)}${
          note ? ` (${note})` : ''
        }`,
      );
      onPoll?.(name, { status: 'error', error });
    }
  }
}
