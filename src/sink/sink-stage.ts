/**
 * The sink stage: consumes ScoredItems in large batches and writes them to the store, committing only after
 * the write. While the store is down it retries the same batch with backoff (consumption pauses: no new batch
 * is fetched, nothing is buffered). The store's idempotent write makes redelivery harmless.
 */
import { deadLetter } from '../bus/dead-letter.ts';
import { backoffDelayMs, sleep } from '../core/backoff.ts';
import type { Bus, BusMessage, OutgoingMessage, Subscription } from '../core/bus.ts';
import { decodeScoredItem } from '../core/codec.ts';
import { describeError, isRetriable, ServiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import { StageCounters } from '../core/stage-counters.ts';
import type { StoryAssigner } from '../stories/story-assigner.ts';

export interface ScoredItemWriter {
  writeScored(items: readonly ScoredItem[]): Promise<{ inserted: number; duplicates: number }>;
}

export interface SinkStageOptions {
  bus: Bus;
  store: ScoredItemWriter;
  inputTopic: string;
  dlqTopic: string;
  group: string;
  maxBatchSize: number;
  lingerMs: number;
  /** Whether more input may still arrive (SubscribeOptions.moreExpected); absent: always. */
  moreExpected?: (() => boolean) | undefined;
  logger: Logger;
  /** Assigns stories before each write, its window rebuilt from the store on start (src/stories/README.md). */
  stories?: StoryAssigner | undefined;
  /** Called after each successful write with the rows and how long it took, for metrics. */
  onWrite?: (items: readonly ScoredItem[], writeMs: number) => void;
}

const STAGE = 'sink';
/** A store outage can last minutes: back off up to 30 s between attempts. */
const STORE_BACKOFF = { baseMs: 200, maxMs: 30_000 };

export class SinkStage {
  readonly counters = new StageCounters();
  private subscription: Subscription | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly options: SinkStageOptions) {}

  async start(): Promise<void> {
    const { bus, inputTopic, group, maxBatchSize, lingerMs, moreExpected } = this.options;
    await this.options.stories?.restore();
    this.subscription = await bus.subscribe(
      { topic: inputTopic, group, maxBatchSize, lingerMs, moreExpected },
      (batch) => this.handle(batch),
    );
  }

  /** Stops retrying (an unwritten batch stays uncommitted for the next start) and leaves the group. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.close();
    this.subscription = undefined;
  }

  async handle(batch: readonly BusMessage[]): Promise<void> {
    const decoded: ScoredItem[] = [];
    const sources: BusMessage[] = [];
    const dead: OutgoingMessage[] = [];
    for (const message of batch) {
      try {
        decoded.push(decodeScoredItem(message.value));
        sources.push(message);
      } catch (error) {
        dead.push(deadLetter(message, STAGE, describeError(error)));
      }
    }
    const items = this.options.stories?.assign(decoded) ?? decoded;
    let written = { inserted: 0, duplicates: 0 };
    if (items.length > 0) {
      try {
        written = await this.writeWithRetry(items);
      } catch (error) {
        if (isRetriable(error)) throw error;
        // The store refused the batch for what is in it: find the rows it refuses, keep the rest.
        const isolated = await this.isolatePoison(items, sources);
        written = isolated.written;
        dead.push(...isolated.dead);
      }
    }
    if (dead.length > 0) {
      await this.options.bus.publish(this.options.dlqTopic, dead);
      this.options.logger.warn(
        { count: dead.length, first: dead[0]?.headers?.['x-bellwether-error'] },
        'sent to DLQ',
      );
    }
    this.counters.received += batch.length;
    this.counters.emitted += written.inserted;
    this.counters.duplicates += written.duplicates;
    this.counters.deadLettered += dead.length;
    this.counters.batches += 1;
  }

  private async writeWithRetry(
    items: readonly ScoredItem[],
  ): Promise<{ inserted: number; duplicates: number }> {
    const { store, logger, onWrite } = this.options;
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const result = await store.writeScored(items);
        onWrite?.(items, performance.now() - started);
        if (attempt > 0)
          logger.info({ attempts: attempt + 1 }, 'store write succeeded after retries');
        return result;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        this.counters.failedBatches += 1;
        if (this.stopping.signal.aborted) {
          throw new ServiceError('store', `gave up on shutdown: ${describeError(error)}`, {
            cause: error,
          });
        }
        const delayMs = backoffDelayMs(attempt + 1, STORE_BACKOFF);
        logger.warn(
          { error: describeError(error), attempt: attempt + 1, delayMs },
          'store write failed; retrying',
        );
        await sleep(delayMs, this.stopping.signal);
      }
    }
  }

  private async isolatePoison(
    items: readonly ScoredItem[],
    sources: readonly BusMessage[],
  ): Promise<{ written: { inserted: number; duplicates: number }; dead: OutgoingMessage[] }> {
    const written = { inserted: 0, duplicates: 0 };
    const dead: OutgoingMessage[] = [];
    for (const [index, item] of items.entries()) {
      try {
        const result = await this.writeWithRetry([item]);
        written.inserted += result.inserted;
        written.duplicates += result.duplicates;
      } catch (error) {
        if (isRetriable(error)) throw error;
        const source = sources[index];
        if (source)
          dead.push(deadLetter(source, STAGE, `store rejected item: ${describeError(error)}`));
      }
    }
    return { written, dead };
  }
}
