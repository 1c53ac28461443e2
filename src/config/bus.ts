/** Config slice for the bus: a tagged union on `type`, plus the topic names every stage agrees on. */
import { z } from 'zod';

export const busTopicsSchema = z
  .object({
    raw: z.string().min(1).default('news.raw'),
    scored: z.string().min(1).default('news.scored'),
    dlq: z.string().min(1).default('news.dlq'),
  })
  .strict()
  .prefault({});

export const memoryBusSchema = z
  .object({
    type: z.literal('memory'),
    topics: busTopicsSchema,
    partitions: z.int().min(1).max(64).default(4),
    /** Most unconsumed messages a topic holds before publishers wait. */
    capacity: z.int().min(1).default(10_000),
  })
  .strict();

export const kafkaBusSchema = z
  .object({
    type: z.literal('kafka'),
    topics: busTopicsSchema,
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
    clientId: z.string().min(1).default('bellwether'),
    partitions: z.int().min(1).default(6),
    replicationFactor: z.int().min(1).default(1),
    compression: z.enum(['none', 'gzip']).default('gzip'),
    sessionTimeoutMs: z.int().min(1000).default(30_000),
    ssl: z.boolean().default(false),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

export const busConfigSchema = z
  .discriminatedUnion('type', [memoryBusSchema, kafkaBusSchema])
  .default({
    type: 'memory',
    topics: { raw: 'news.raw', scored: 'news.scored', dlq: 'news.dlq' },
    partitions: 4,
    capacity: 10_000,
  });

export type BusConfig = z.infer<typeof busConfigSchema>;
export type BusTopics = z.infer<typeof busTopicsSchema>;
