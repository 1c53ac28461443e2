/**
 * The in-process Bus: keyed partitions, per-group committed offsets, competing consumers by partition,
 * redelivery with backoff, and bounded topics whose publishers wait for the slowest group that has consumers.
 */

import { type BackoffOptions, defaultBackoff } from '../../core/backoff.ts';
import type {
  BatchHandler,
  Bus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../core/bus.ts';
import { ServiceError } from '../../core/errors.ts';
import type { Health } from '../../core/lifecycle.ts';
import type { Logger } from '../../core/logger.ts';
import { MemoryConsumer } from './memory-consumer.ts';
import { MemoryTopic } from './memory-topic.ts';

export interface MemoryBusOptions {
  /** Partitions of topics created without a spec (published to before ensureTopics). */
  partitions: number;
  /** Most messages a topic retains for its groups before publishers wait. */
  capacity: number;
  /** Topics created on connect. */
  topics?: readonly string[];
  backoff?: BackoffOptions;
}

export interface MemoryTopicStats {
  partitions: number;
  /** Messages held now (not yet committed by every group). */
  retained: number;
  /** Most messages ever held at once. */
  peakRetained: number;
  published: number;
  overwritten: number;
  groups: number;
}

/** Publishers blocked on a full topic look again at least this often (close, lost notifications). */
const PUBLISH_RECHECK_MS = 1_000;

export class MemoryBus implements Bus {
  readonly type = 'memory';
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly consumers = new Set<MemoryConsumer>();
  private readonly backoff: BackoffOptions;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: MemoryBusOptions,
    private readonly logger: Logger,
  ) {
    this.backoff = options.backoff ?? defaultBackoff;
  }

  async connect(): Promise<void> {
    this.assertOpen();
    await this.ensureTopics(
      (this.options.topics ?? []).map((name) => ({ name, partitions: this.options.partitions })),
    );
  }

  async healthcheck(): Promise<Health> {
    if (this.closed) return { ok: false, detail: 'memory bus: closed' };
    let retained = 0;
    for (const topic of this.topics.values()) retained += topic.retained;
    return {
      ok: true,
      detail: `memory bus: ${this.topics.size} topics, ${retained} messages retained, ${this.consumers.size} consumers`,
    };
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of topics) this.topic(spec.name, spec.partitions);
  }

  async publish(topicName: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.assertOpen();
    const topic = this.topic(topicName, this.options.partitions);
    let i = 0;
    while (i < messages.length) {
      const room = topic.room;
      if (room <= 0) {
        await topic.changed.wait(PUBLISH_RECHECK_MS);
        this.assertOpen();
        continue;
      }
      const end = Math.min(messages.length, i + room);
      const appendedAt = Date.now();
      for (; i < end; i++) {
        const m = messages[i];
        if (!m) continue;
        // Copies, so a publisher reusing its buffers cannot change what consumers see.
        topic.append({
          key: m.key,
          value: Buffer.from(m.value),
          headers: Object.freeze({ ...m.headers }),
          appendedAt,
        });
      }
      topic.changed.notify();
    }
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    this.assertOpen();
    if (options.maxBatchSize < 1) throw new RangeError('maxBatchSize must be at least 1');
    const topic = this.topic(options.topic, this.options.partitions);
    const consumer = new MemoryConsumer(
      topic,
      topic.group(options.group),
      options,
      handler,
      this.backoff,
      this.logger,
    );
    this.consumers.add(consumer);
    return {
      close: async () => {
        await consumer.close();
        this.consumers.delete(consumer);
      },
    };
  }

  async lag(topicName: string, group: string): Promise<number> {
    this.assertOpen();
    const topic = this.topics.get(topicName);
    if (!topic) {
      throw new ServiceError('memory bus', `lag of ${group} on ${topicName}: no such topic`, {
        retriable: false,
      });
    }
    return topic.lag(group);
  }

  /** Closes every subscription (each finishes its batch in flight), then fails waiting publishers. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers].map((c) => c.close()));
      this.consumers.clear();
      this.closed = true;
      for (const topic of this.topics.values()) topic.changed.notify();
    })();
    return this.closing;
  }

  /** Figures for tests, health and benchmarks; undefined for a topic that does not exist. */
  stats(topicName: string): MemoryTopicStats | undefined {
    const topic = this.topics.get(topicName);
    if (!topic) return undefined;
    return {
      partitions: topic.partitions,
      retained: topic.retained,
      peakRetained: topic.peakRetained,
      published: topic.published,
      overwritten: topic.overwritten,
      groups: topic.groups.size,
    };
  }

  private topic(name: string, partitions: number): MemoryTopic {
    let topic = this.topics.get(name);
    if (!topic) {
      if (!Number.isInteger(partitions) || partitions < 1) {
        throw new RangeError(`topic ${name}: partitions must be a positive integer`);
      }
      topic = new MemoryTopic(name, partitions, this.options.capacity);
      this.topics.set(name, topic);
    }
    return topic;
  }

  private assertOpen(): void {
    if (this.closed || this.closing) {
      throw new ServiceError('memory bus', 'the bus is closed', { retriable: false });
    }
  }
}
