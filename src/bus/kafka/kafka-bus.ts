/**
 * The Kafka Bus (kafkajs): an idempotent, gzip-compressing producer, one consumer per subscription, and an admin
 * client that creates missing topics and reads groups' lag. kafkajs is loaded on connect so that merely building
 * the bus stays cheap.
 */
import type { Admin, Kafka, Message, Producer, SASLOptions } from 'kafkajs';
import { type BackoffOptions, defaultBackoff } from '../../core/backoff.ts';
import type {
  BatchHandler,
  Bus,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../../core/bus.ts';
import { describeError, ServiceError } from '../../core/errors.ts';
import type { Health } from '../../core/lifecycle.ts';
import type { Logger } from '../../core/logger.ts';
import { KafkaSubscription } from './kafka-consumer.ts';
import { toServiceError } from './kafka-errors.ts';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-logger.ts';

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId: string;
  /** Partitions and replication of topics this bus creates. */
  partitions: number;
  replicationFactor: number;
  compression: 'none' | 'gzip';
  sessionTimeoutMs: number;
  ssl: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  /** Topics created on connect when missing. */
  topics?: readonly string[];
  backoff?: BackoffOptions;
  /** How long requests (and reconnects) are retried before a call fails. */
  retryMaxMs?: number;
}

/** One produce request stays well under the broker's default 1 MB record-batch limit. */
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_REQUEST_MESSAGES = 2_000;

function saslOptions(sasl: NonNullable<KafkaBusOptions['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

export class KafkaBus implements Bus {
  readonly type = 'kafka';
  private kafka: Kafka | undefined;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private gzip = 0;
  private readonly knownTopics = new Set<string>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  /** Consumers kafkajs gave up on (a crash it would not restart): the bus is unhealthy while any exist. */
  private readonly stopped = new Set<string>();
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: KafkaBusOptions,
    private readonly logger: Logger,
  ) {}

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw toServiceError(error, `connect to ${this.options.brokers.join(',')}`);
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const { Kafka: KafkaClient, CompressionTypes, Partitioners } = await import('kafkajs');
    const retryMaxMs = this.options.retryMaxMs ?? 30_000;
    const kafka = new KafkaClient({
      clientId: this.options.clientId,
      brokers: [...this.options.brokers],
      ssl: this.options.ssl,
      ...(this.options.sasl ? { sasl: saslOptions(this.options.sasl) } : {}),
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      // Enough retries to ride out a broker restart (seconds) before a call fails.
      retry: { initialRetryTime: 200, maxRetryTime: 3_000, retries: Math.ceil(retryMaxMs / 2_000) },
      logLevel: kafkaLogLevel(this.logger),
      logCreator: kafkaLogCreator(this.logger),
    });
    this.gzip = this.options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const admin = kafka.admin();
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 keyed partitioning, so other Kafka clients agree on a key's partition.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await admin.connect();
      await producer.connect();
    } catch (error) {
      // Half-open clients would keep reconnecting in the background.
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw error;
    }
    this.kafka = kafka;
    this.admin = admin;
    this.producer = producer;
    try {
      await this.ensureTopics(
        (this.options.topics ?? []).map((name) => ({ name, partitions: this.options.partitions })),
      );
    } catch (error) {
      this.kafka = undefined;
      this.admin = undefined;
      this.producer = undefined;
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw error;
    }
    this.logger.info({ brokers: this.options.brokers }, 'connected to kafka');
  }

  async healthcheck(): Promise<Health> {
    if (!this.admin || this.closing) return { ok: false, detail: 'kafka bus: not connected' };
    if (this.stopped.size > 0) {
      return {
        ok: false,
        detail: `kafka bus: consumer stopped after a crash: ${[...this.stopped].join(', ')}`,
      };
    }
    try {
      const cluster = await this.admin.describeCluster();
      return {
        ok: true,
        detail: `kafka bus: ${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'none'}, ${this.subscriptions.size} consumers`,
      };
    } catch (error) {
      return { ok: false, detail: `kafka bus: ${describeError(error)}` };
    }
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    const admin = this.connected().admin;
    const wanted = topics.filter((t) => !this.knownTopics.has(t.name));
    if (wanted.length === 0) return;
    try {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: this.options.replicationFactor,
          })),
        });
        this.logger.info({ topics: missing.map((t) => t.name) }, 'created kafka topics');
      }
    } catch (error) {
      // Another process creating the same topic at the same moment is fine.
      if (!describeError(error).includes('already exists')) {
        throw toServiceError(error, `create topics ${wanted.map((t) => t.name).join(', ')}`);
      }
    }
    for (const t of wanted) this.knownTopics.add(t.name);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const { producer } = this.connected();
    if (messages.length === 0) return;
    await this.ensureTopics([{ name: topic, partitions: this.options.partitions }]);
    let request: Message[] = [];
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (request.length === 0) return;
      try {
        await producer.send({ topic, compression: this.gzip, messages: request });
      } catch (error) {
        throw toServiceError(error, `publish ${request.length} message(s) to ${topic}`);
      }
      request = [];
      bytes = 0;
    };
    for (const m of messages) {
      const size = typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length;
      if (
        request.length > 0 &&
        (bytes + size > MAX_REQUEST_BYTES || request.length >= MAX_REQUEST_MESSAGES)
      ) {
        await send();
      }
      request.push({
        key: m.key ?? null,
        value: m.value,
        headers: m.headers ? { ...m.headers } : {},
      });
      bytes += size;
    }
    await send();
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    const { kafka } = this.connected();
    if (options.maxBatchSize < 1) throw new RangeError('maxBatchSize must be at least 1');
    await this.ensureTopics([{ name: options.topic, partitions: this.options.partitions }]);
    const heartbeatIntervalMs = Math.max(
      500,
      Math.min(3_000, Math.floor(this.options.sessionTimeoutMs / 10)),
    );
    const consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: this.options.sessionTimeoutMs,
      rebalanceTimeout: Math.max(this.options.sessionTimeoutMs, 10_000),
      heartbeatInterval: heartbeatIntervalMs,
      allowAutoTopicCreation: false,
      // With data waiting the broker answers at once; lingerMs bounds how long an idle fetch is held,
      // and with it how quickly close() returns.
      maxWaitTimeInMs: Math.min(Math.max(options.lingerMs, 100), 1_000),
      retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 10 },
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (!restart) this.stopped.add(`${options.group}/${options.topic}`);
      this.logger.warn(
        { topic: options.topic, group: options.group, restart, error: describeError(error) },
        restart ? 'kafka consumer crashed; restarting' : 'kafka consumer crashed and stopped',
      );
    });
    const subscription = new KafkaSubscription(
      consumer,
      options,
      handler,
      { heartbeatIntervalMs, backoff: this.options.backoff ?? defaultBackoff },
      this.logger,
    );
    await subscription.start();
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        await subscription.close();
        this.subscriptions.delete(subscription);
      },
    };
  }

  async lag(topic: string, group: string): Promise<number> {
    const { admin } = this.connected();
    // kafkajs retries an unknown topic until its retries run out (tens of seconds); one listing answers at once.
    if (!this.knownTopics.has(topic)) {
      let exists: boolean;
      try {
        exists = (await admin.listTopics()).includes(topic);
      } catch (error) {
        throw toServiceError(error, `lag of ${group} on ${topic}`);
      }
      if (!exists) {
        throw new ServiceError('kafka', `lag of ${group} on ${topic}: no such topic`, {
          retriable: false,
        });
      }
      this.knownTopics.add(topic);
    }
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(topic),
        admin.fetchOffsets({ groupId: group, topics: [topic] }),
      ]);
      const commits = new Map<number, string>();
      for (const entry of committed) {
        if (entry.topic !== topic) continue;
        for (const p of entry.partitions) commits.set(p.partition, p.offset);
      }
      // BigInt: offsets are 64-bit; only the (small) total becomes a number.
      let total = 0n;
      for (const { partition, high, low } of ends) {
        const end = BigInt(high);
        const start = BigInt(low);
        // -1 means no commit; a commit below the log start points at messages retention deleted.
        const commit = BigInt(commits.get(partition) ?? '-1');
        const position = commit > start ? commit : start;
        if (end > position) total += end - position;
      }
      return Number(total);
    } catch (error) {
      throw toServiceError(error, `lag of ${group} on ${topic}`);
    }
  }

  /** Closes every subscription (each finishes or abandons its batch), then the producer and admin. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      this.subscriptions.clear();
      await Promise.all([
        this.producer?.disconnect().catch((error: unknown) => {
          this.logger.warn(
            { error: describeError(error) },
            'kafka producer did not disconnect cleanly',
          );
        }),
        this.admin?.disconnect().catch(() => {}),
      ]);
    })();
    return this.closing;
  }

  private connected(): { kafka: Kafka; admin: Admin; producer: Producer } {
    if (this.closing) throw new ServiceError('kafka', 'the bus is closed', { retriable: false });
    if (!this.kafka || !this.admin || !this.producer) {
      throw new ServiceError('kafka', 'the bus is not connected (call connect() first)', {
        retriable: false,
      });
    }
    return { kafka: this.kafka, admin: this.admin, producer: this.producer };
  }
}
