/** Builds the configured Bus adapter; the registry is checked by the compiler to cover every `bus.type`. */
import type { BusConfig } from '../config/bus.ts';
import type { Bus } from '../core/bus.ts';
import type { Logger } from '../core/logger.ts';
import { KafkaBus } from './kafka/kafka-bus.ts';
import { MemoryBus } from './memory/memory-bus.ts';

export type BusFactory<T extends BusConfig['type'] = BusConfig['type']> = (
  config: Extract<BusConfig, { type: T }>,
  logger: Logger,
) => Bus;

/** The topics every stage agrees on, created when the bus connects. */
const topicNames = (config: BusConfig): string[] => [
  config.topics.raw,
  config.topics.scored,
  config.topics.dlq,
];

export const busFactories = {
  memory: (config, logger) =>
    new MemoryBus(
      { partitions: config.partitions, capacity: config.capacity, topics: topicNames(config) },
      logger.child({ component: 'bus', bus: 'memory' }),
    ),
  kafka: (config, logger) =>
    new KafkaBus(
      {
        brokers: config.brokers,
        clientId: config.clientId,
        partitions: config.partitions,
        replicationFactor: config.replicationFactor,
        compression: config.compression,
        sessionTimeoutMs: config.sessionTimeoutMs,
        ssl: config.ssl,
        ...(config.sasl ? { sasl: config.sasl } : {}),
        topics: topicNames(config),
      },
      logger.child({ component: 'bus', bus: 'kafka' }),
    ),
} satisfies { [K in BusConfig['type']]: BusFactory<K> };

/** Not connected yet: the caller runs connect() (and close()) as part of its lifecycle. */
export function createBus(config: BusConfig, logger: Logger): Bus {
  // The compiler cannot tie config.type to the matching factory's parameter; the registry above is checked.
  const factory = busFactories[config.type] as BusFactory;
  return factory(config, logger);
}
