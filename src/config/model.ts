/** Config slice for the sentiment model and the scoring/sink stages that batch around it. */
import { z } from 'zod';
import { entityScoringConfigSchema } from './entities.ts';

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const modelConfigSchema = z
  .object({
    /** Directory with model.json, weights.bin, tokenizer.json and card.md. */
    path: z.string().min(1).default('models/default'),
    /** 'auto' times the model on every backend that loads and keeps the fastest; a name pins that backend. */
    backend: z.enum(BACKENDS).default('auto'),
    /**
     * Scoring worker threads; 0 scores on the main thread. 'auto': one per core on wasm and cpu (at most
     * 4), one on native TensorFlow (it spreads a pass over the cores; its passes take turns per process).
     */
    workers: z.union([z.literal('auto'), z.int().min(0).max(64)]).default('auto'),
    /** Longest wait for a scoring worker thread over one batch; past it the worker is replaced (default 120000). */
    requestTimeoutMs: z.int().min(1_000).max(3_600_000).optional(),
  })
  .strict()
  .prefault({});

/** The batching fields every bus stage has; a stage with more settings extends them. */
const stageBatchShape = (group: string, maxBatchSize: number, lingerMs: number) =>
  z.object({
    group: z.string().min(1).default(group),
    maxBatchSize: z.int().min(1).max(100_000).default(maxBatchSize),
    lingerMs: z.int().min(0).max(60_000).default(lingerMs),
    /**
     * Kafka only: this stage's consumer session timeout, replacing bus.sessionTimeoutMs. A member that
     * dies stalls its partitions this long before the group hands them on (docs/operations.md).
     */
    sessionTimeoutMs: z.int().min(1000).max(3_600_000).optional(),
  });

export const scoringConfigSchema = stageBatchShape('bellwether-scorer', 256, 50)
  .extend({ entities: entityScoringConfigSchema })
  .strict()
  .prefault({});
export const sinkConfigSchema = stageBatchShape('bellwether-sink', 5000, 250).strict().prefault({});

export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type StageBatchConfig = z.infer<typeof sinkConfigSchema>;
export type ScoringConfig = z.infer<typeof scoringConfigSchema>;
