/**
 * The scoring stage: consumes raw items in micro-batches, scores them in one model call, attaches topics,
 * publishes ScoredItems, and commits only after publishing. Undecodable items go to the DLQ, never crash it.
 */
import { deadLetter } from '../bus/dead-letter.ts';
import type { Bus, BusMessage, OutgoingMessage, Subscription } from '../core/bus.ts';
import type { Clock } from '../core/clock.ts';
import { decodeNewsItem, encodeItem } from '../core/codec.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { NewsItem, ScoredItem } from '../core/news.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { StageCounters } from '../core/stage-counters.ts';
import type { EntityScoring } from './entity-scoring.ts';
import { scoreItems, type TopicExtractor } from './score-items.ts';

export interface ScoreStageOptions {
  bus: Bus;
  scorer: SentimentScorer;
  topics: TopicExtractor;
  inputTopic: string;
  outputTopic: string;
  dlqTopic: string;
  group: string;
  maxBatchSize: number;
  lingerMs: number;
  /** Whether more input may still arrive (SubscribeOptions.moreExpected); absent: always. */
  moreExpected?: (() => boolean) | undefined;
  /**
   * Batches in flight at once, each from its own member of the group (so its own partitions, in order):
   * with 2 the model's workers have the next batch while this thread decodes, publishes and serves the
   * sink. Default 1.
   */
  concurrency?: number | undefined;
  clock: Clock;
  logger: Logger;
  /** Per-company sentiment for titles naming companies; absent when `scoring.entities.mode` is off. */
  entityScoring?: EntityScoring | undefined;
  /** Called after each committed batch with how long scoring took, for metrics. */
  onBatch?: (size: number, scoringMs: number) => void;
}

const STAGE = 'score';

/** Messages keyed by the first ticker keep one company's items in order; others spread by id. */
function routingKey(item: ScoredItem): string {
  const ticker = item.topics.find((topic) => topic.kind === 'ticker');
  return ticker ? `ticker:${ticker.key}` : item.id;
}

export class ScoreStage {
  readonly counters = new StageCounters();
  private subscriptions: Subscription[] = [];

  constructor(private readonly options: ScoreStageOptions) {}

  async start(): Promise<void> {
    const {
      bus,
      inputTopic,
      group,
      maxBatchSize,
      lingerMs,
      moreExpected,
      concurrency = 1,
    } = this.options;
    for (let member = 0; member < concurrency; member++) {
      this.subscriptions.push(
        await bus.subscribe(
          { topic: inputTopic, group, maxBatchSize, lingerMs, moreExpected },
          (batch) => this.handle(batch),
        ),
      );
    }
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
  }

  /** Exposed for tests: one batch end to end. */
  async handle(batch: readonly BusMessage[]): Promise<void> {
    const { bus, logger, outputTopic, dlqTopic } = this.options;
    const items: NewsItem[] = [];
    const sources: BusMessage[] = [];
    const dead: OutgoingMessage[] = [];
    for (const message of batch) {
      try {
        items.push(decodeNewsItem(message.value));
        sources.push(message);
      } catch (error) {
        dead.push(deadLetter(message, STAGE, describeError(error)));
      }
    }
    const started = performance.now();
    const { scored, failed } = await scoreItems(items, this.options);
    const scoringMs = performance.now() - started;
    for (const { index, reason } of failed) {
      const source = sources[index];
      if (source) dead.push(deadLetter(source, STAGE, reason));
    }
    if (scored.length > 0) {
      await bus.publish(
        outputTopic,
        scored.map((item) => ({ key: routingKey(item), value: encodeItem(item) })),
      );
    }
    if (dead.length > 0) {
      await bus.publish(dlqTopic, dead);
      logger.warn(
        { count: dead.length, first: dead[0]?.headers?.['x-bellwether-error'] },
        'sent to DLQ',
      );
    }
    this.counters.received += batch.length;
    this.counters.emitted += scored.length;
    this.counters.deadLettered += dead.length;
    this.counters.batches += 1;
    this.options.onBatch?.(items.length, scoringMs);
  }
}
