/**
 * The Bus port: named topics, keyed publish, consumer groups with batched, explicitly committed consumption.
 * Adapters: memory (in-process) and kafka. Both must pass test/contracts/bus-contract.ts unchanged.
 */
import type { Lifecycle } from './lifecycle.ts';

export interface OutgoingMessage {
  /** Messages with the same key keep their order (same partition). */
  key?: string | undefined;
  value: Buffer | string;
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets exceed 2^53). */
  offset: string;
  key: string | undefined;
  value: Buffer;
  headers: Readonly<Record<string, string>>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface SubscribeOptions {
  topic: string;
  /** Consumer group: every group sees every message; within a group each message goes to one consumer. */
  group: string;
  /** Most messages handed to the handler at once. */
  maxBatchSize: number;
  /** How long to wait for a batch to fill before handing over what there is. */
  lingerMs: number;
  /**
   * Whether more messages may still arrive; a partial batch is held for lingerMs only while this says yes
   * (absent: always). An in-process run whose finite input (a replay) has been taken by the stage upstream
   * says no, so its last batch is handed over at once instead of waiting for messages that cannot come.
   * Kafka consumers ignore it: they never hold a batch back while data is waiting.
   */
  moreExpected?: (() => boolean) | undefined;
}

/**
 * Handles one batch. Resolving commits the batch (it is not delivered to the group again);
 * throwing leaves it uncommitted, and it is redelivered after a backoff.
 */
export type BatchHandler = (messages: readonly BusMessage[]) => Promise<void>;

export interface Subscription {
  /** Stops fetching, lets the batch in flight finish (committing it if it succeeds), then leaves the group. */
  close(): Promise<void>;
}

export interface Bus extends Lifecycle {
  readonly type: string;
  /** Creates missing topics; existing ones are left as they are. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Resolves once the bus holds the messages. Waits (backpressure) while consumers are too far behind. */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  /**
   * How many messages of `topic` the consumer `group` has yet to commit: over every partition, the log end
   * less the group's committed position (the log start where it has committed nothing, or where what it
   * committed has since been dropped by retention). It is the group's view, the same whichever process
   * asks and however many consumers the group has, and it counts a batch in flight until it is committed.
   * A group the bus has never seen owes everything retained. Rejects (not retriable) when the topic does
   * not exist.
   */
  lag(topic: string, group: string): Promise<number>;
}
