/**
 * One subscription on Kafka: a kafkajs consumer in the group, handing our handler slices of each fetched batch,
 * committing a slice only after the handler succeeded, and seeking back (with the partition paused) after a failure.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { type BackoffOptions, backoffDelayMs, sleep } from '../../core/backoff.ts';
import type { BatchHandler, BusMessage, SubscribeOptions, Subscription } from '../../core/bus.ts';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { toServiceError } from './kafka-errors.ts';

export interface KafkaConsumerSettings {
  heartbeatIntervalMs: number;
  backoff: BackoffOptions;
}

function headersOf(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  if (!message.headers) return out;
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    // Kafka allows repeated header names; the last one wins, as in most HTTP-ish readers.
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined)
      out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}

function toBusMessage(topic: string, partition: number, message: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? undefined : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers: headersOf(message),
  };
}

/** Protocol errors that mean the group moved on; retrying the commit cannot succeed. */
const REBALANCE_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);
const COMMIT_ATTEMPTS = 5;
/** Between commit attempts: 200 ms doubling, so the five attempts span about three seconds. */
const COMMIT_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 1_600 };

const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();

export class KafkaSubscription implements Subscription {
  private stopping = false;
  private closing: Promise<void> | undefined;
  /** Consecutive failures per partition, for the backoff. */
  private readonly failures = new Map<number, number>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly handler: BatchHandler,
    private readonly settings: KafkaConsumerSettings,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { topic } = this.options;
    try {
      await this.consumer.connect();
      // A new group reads from the earliest retained message, as on the memory bus.
      await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
      // run() resolves once the consumer has joined the group and got its partitions.
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (error) {
      await this.consumer.disconnect().catch(() => {});
      throw toServiceError(error, `subscribe to ${topic} as ${this.options.group}`);
    }
  }

  /** Stops fetching; the slice in flight finishes (and commits if it succeeds); the rest is left uncommitted. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      for (const timer of this.resumeTimers) clearTimeout(timer);
      this.resumeTimers.clear();
      try {
        await this.consumer.disconnect();
      } catch (error) {
        this.logger.warn(
          { error: describeError(error) },
          'kafka consumer did not disconnect cleanly',
        );
      }
    })();
    return this.closing;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } =
      payload;
    const { topic, partition } = batch;
    const size = this.options.maxBatchSize;
    for (let i = 0; i < batch.messages.length; i += size) {
      // Between slices: leave the rest unresolved when closing or after a rebalance took the partition.
      if (this.stopping || !isRunning() || isStale()) return;
      const slice = batch.messages.slice(i, i + size).map((m) => toBusMessage(topic, partition, m));
      const first = slice[0];
      const last = slice.at(-1);
      if (!first || !last) return;
      try {
        await this.withHeartbeats(heartbeat, () => this.handler(slice));
      } catch (error) {
        this.retryLater(topic, partition, first.offset, slice.length, error);
        return;
      }
      resolveOffset(last.offset);
      await this.commit(
        () =>
          commitOffsetsIfNecessary({
            topics: [{ topic, partitions: [{ partition, offset: nextOffset(last.offset) }] }],
          }),
        isRunning,
      );
      this.failures.delete(partition);
      await heartbeat();
    }
  }

  /**
   * Commits, riding out a coordinator that is loading or moving (broker just started): giving up at once
   * would hand the whole slice to the handler again. A rebalance is different: the partition may be
   * someone else's now, so that error goes straight back to kafkajs, which rejoins the group.
   */
  private async commit(attempt: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await attempt();
        return;
      } catch (error) {
        const type = (error as { type?: unknown }).type;
        const transient =
          (error as { retriable?: unknown }).retriable === true &&
          typeof type === 'string' &&
          !REBALANCE_ERRORS.has(type);
        if (!transient || tries >= COMMIT_ATTEMPTS || !isRunning()) throw error;
        this.logger.debug({ type, tries }, 'offset commit failed; retrying');
        await sleep(backoffDelayMs(tries, COMMIT_BACKOFF));
      }
    }
  }

  /** Seeks back to the failed slice and pauses only its partition for the backoff; others keep flowing. */
  private retryLater(
    topic: string,
    partition: number,
    offset: string,
    size: number,
    error: unknown,
  ): void {
    const failures = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, failures);
    const delay = backoffDelayMs(failures, this.settings.backoff);
    this.logger.warn(
      {
        topic,
        partition,
        offset,
        size,
        group: this.options.group,
        retryInMs: delay,
        error: describeError(error),
      },
      'batch handler failed; the batch will be redelivered',
    );
    this.consumer.seek({ topic, partition, offset });
    this.consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (!this.stopping) this.consumer.resume([{ topic, partitions: [partition] }]);
    }, delay);
    this.resumeTimers.add(timer);
  }

  /** Keeps the group membership alive while a slow handler runs. */
  private async withHeartbeats(
    heartbeat: () => Promise<void>,
    work: () => Promise<void>,
  ): Promise<void> {
    const timer = setInterval(() => {
      heartbeat().catch(() => {
        // A failed heartbeat means a rebalance; the commit after the handler will say so.
      });
    }, this.settings.heartbeatIntervalMs);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }
}
