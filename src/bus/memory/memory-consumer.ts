/** One subscription on the memory bus: claims its group's partitions, lingers for a batch, commits on success. */

import { type BackoffOptions, backoffDelayMs } from '../../core/backoff.ts';
import type { BatchHandler, BusMessage, SubscribeOptions, Subscription } from '../../core/bus.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { GroupMember, GroupState, MemoryTopic } from './memory-topic.ts';

/** Longest idle sleep; a notify normally wakes the loop long before. */
const IDLE_WAIT_MS = 1_000;
/** How often a lingering consumer asks its subscriber's moreExpected again. */
const MORE_EXPECTED_RECHECK_MS = 10;

let nextMemberId = 1;

interface Claim {
  partition: number;
  lastOffset: number;
}

export class MemoryConsumer implements Subscription, GroupMember {
  readonly id = nextMemberId++;
  private stopping = false;
  private closing: Promise<void> | undefined;
  private readonly loop: Promise<void>;
  /** Rotates where batches start so one busy partition cannot starve the others. */
  private cursor = 0;

  constructor(
    private readonly topic: MemoryTopic,
    private readonly group: GroupState,
    private readonly options: SubscribeOptions,
    private readonly handler: BatchHandler,
    private readonly backoff: BackoffOptions,
    private readonly logger: Logger,
  ) {
    group.join(this);
    topic.changed.notify();
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'memory bus consumer stopped unexpectedly');
    });
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.stopping = true;
      this.topic.changed.notify();
      this.closing = this.loop.then(() => {
        this.group.leave(this);
        this.topic.changed.notify();
      });
    }
    return this.closing;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const now = Date.now();
      const ready = this.readyPartitions(now);
      if (ready.length === 0) {
        await this.topic.changed.wait(this.untilNextRetry(now));
        continue;
      }
      const available = ready.reduce(
        (sum, p) => sum + this.topic.logOf(p).end - this.group.position(p, this.topic.logOf(p)),
        0,
      );
      if (
        available < this.options.maxBatchSize &&
        this.options.lingerMs > 0 &&
        (this.options.moreExpected?.() ?? true)
      ) {
        // The linger counts from the oldest waiting message, not from when this consumer looked: messages
        // that arrived while the previous batch was being handled have waited already, and a fresh linger
        // would hold them that long again (the sink's tail: up to its handling time plus 250 ms).
        const lingerUntil = this.oldestWaiting(ready, now) + this.options.lingerMs;
        if (now < lingerUntil) {
          // moreExpected can turn false with no message to wake this loop (the last batch upstream was
          // taken), so with it the linger is slept in short slices and the answer asked again.
          const slice = this.options.moreExpected
            ? MORE_EXPECTED_RECHECK_MS
            : Number.POSITIVE_INFINITY;
          await this.topic.changed.wait(Math.min(lingerUntil - now, slice));
          continue;
        }
      }
      await this.deliver(ready);
    }
  }

  /** When the oldest message not yet delivered on these partitions was appended (`now` if unknown). */
  private oldestWaiting(ready: readonly number[], now: number): number {
    let oldest = now;
    for (const p of ready) {
      const log = this.topic.logOf(p);
      oldest = Math.min(oldest, log.appendedAt(this.group.position(p, log)) ?? now);
    }
    return oldest;
  }

  /** Partitions this member owns that hold messages, are not in flight elsewhere and not backing off. */
  private readyPartitions(now: number): number[] {
    const ready: number[] = [];
    const n = this.topic.partitions;
    for (let i = 0; i < n; i++) {
      const p = (this.cursor + i) % n;
      if (
        this.group.owns(this, p) &&
        !this.group.busy[p] &&
        (this.group.retryAt[p] ?? 0) <= now &&
        this.group.position(p, this.topic.logOf(p)) < this.topic.logOf(p).end
      ) {
        ready.push(p);
      }
    }
    return ready;
  }

  private untilNextRetry(now: number): number {
    let wait = IDLE_WAIT_MS;
    for (let p = 0; p < this.topic.partitions; p++) {
      const at = this.group.retryAt[p] ?? 0;
      if (at > now && this.group.owns(this, p)) wait = Math.min(wait, at - now);
    }
    return wait;
  }

  private async deliver(ready: readonly number[]): Promise<void> {
    const batch: BusMessage[] = [];
    const claims: Claim[] = [];
    for (const p of ready) {
      const room = this.options.maxBatchSize - batch.length;
      if (room <= 0) break;
      const log = this.topic.logOf(p);
      const from = this.group.position(p, log);
      const stored = log.read(from, room);
      if (stored.length === 0) continue;
      stored.forEach((m, i) => {
        batch.push({
          topic: this.topic.name,
          partition: p,
          offset: String(from + i),
          key: m.key,
          value: m.value,
          headers: m.headers,
        });
      });
      this.group.busy[p] = true;
      claims.push({ partition: p, lastOffset: from + stored.length - 1 });
    }
    this.cursor = (this.cursor + 1) % this.topic.partitions;
    try {
      await this.handler(batch);
      for (const c of claims) {
        this.group.commit(c.partition, c.lastOffset + 1);
        this.group.failures[c.partition] = 0;
      }
    } catch (error) {
      const now = Date.now();
      let delay = 0;
      for (const c of claims) {
        const failures = (this.group.failures[c.partition] ?? 0) + 1;
        this.group.failures[c.partition] = failures;
        delay = backoffDelayMs(failures, this.backoff);
        this.group.retryAt[c.partition] = now + delay;
      }
      this.logger.warn(
        {
          topic: this.topic.name,
          group: this.group.name,
          size: batch.length,
          retryInMs: delay,
          error: describeError(error),
        },
        'batch handler failed; the batch will be redelivered',
      );
    } finally {
      for (const c of claims) this.group.busy[c.partition] = false;
      this.topic.trim();
      this.topic.changed.notify();
    }
  }
}
