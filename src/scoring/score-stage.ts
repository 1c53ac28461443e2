/**
 * The scoring stage: consumes raw items in micro-batches, scores them in one model call, attaches topics,
 * publishes ScoredItems, and commits only after publishing. Undecodable items go to the DLQ, never crash it.
 */
import { deadLetter } from '../bus/dead-letter.ts';
import type { Bus, BusMessage, OutgoingMessage, Subscription } from '../core/bus.ts';
import type { Clock } from '../core/clock.ts';
import { decodeNewsItem, encodeItem } from '../core/codec.ts';
import { describeError, ServiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { NewsItem, ScoredItem, TopicMention } from '../core/news.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { StageCounters } from '../pipeline/stage-counters.ts';
import { itemText } from './item-text.ts';
import { sentimentAt } from './probabilities.ts';

export interface TopicExtractor {
  match(item: Pick<NewsItem, 'title' | 'summary' | 'source'>): TopicMention[];
}

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
  clock: Clock;
  logger: Logger;
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
  private subscription: Subscription | undefined;

  constructor(private readonly options: ScoreStageOptions) {}

  async start(): Promise<void> {
    const { bus, inputTopic, group, maxBatchSize, lingerMs } = this.options;
    this.subscription = await bus.subscribe(
      { topic: inputTopic, group, maxBatchSize, lingerMs },
      (batch) => this.handle(batch),
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
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
    const { scored, failed } = await this.scoreAll(items, sources);
    const scoringMs = performance.now() - started;
    dead.push(...failed);
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

  /**
   * Scores the batch in one call. If the model rejects the batch, scores items one by one to isolate the
   * poison ones (to the DLQ); if every item fails alone too, the model itself is down: throw to retry later.
   */
  private async scoreAll(
    items: readonly NewsItem[],
    sources: readonly BusMessage[],
  ): Promise<{ scored: ScoredItem[]; failed: OutgoingMessage[] }> {
    if (items.length === 0) return { scored: [], failed: [] };
    const texts = items.map((item) => itemText(item.title, item.summary));
    try {
      const rows = await this.options.scorer.scoreBatch(texts);
      return { scored: items.map((item, index) => this.toScored(item, rows, index)), failed: [] };
    } catch (batchError) {
      this.options.logger.warn(
        { error: describeError(batchError) },
        'batch scoring failed; isolating items',
      );
    }
    const scored: ScoredItem[] = [];
    const failed: OutgoingMessage[] = [];
    let lastError: unknown;
    for (const [index, item] of items.entries()) {
      try {
        const rows = await this.options.scorer.scoreBatch([texts[index] ?? '']);
        scored.push(this.toScored(item, rows, 0));
      } catch (error) {
        lastError = error;
        const source = sources[index];
        if (source)
          failed.push(deadLetter(source, STAGE, `scoring failed: ${describeError(error)}`));
      }
    }
    if (scored.length === 0) {
      throw new ServiceError(
        'scorer',
        `model failed on every item of the batch: ${describeError(lastError)}`,
        {
          cause: lastError,
        },
      );
    }
    return { scored, failed };
  }

  private toScored(item: NewsItem, rows: Float32Array, index: number): ScoredItem {
    const { label, probs, score } = sentimentAt(rows, index);
    return {
      ...item,
      modelVersion: this.options.scorer.modelVersion,
      label,
      probs,
      score,
      topics: this.options.topics.match(item),
      scoredAt: new Date(this.options.clock.now()).toISOString(),
    };
  }
}
