/** The entity-scorer port: the sentiment of a text toward each of the entities it names, not the text's own. */
import type { Health } from './lifecycle.ts';

/** Where an entity is mentioned: UTF-16 offsets into the text, end exclusive. */
export interface EntitySpan {
  start: number;
  end: number;
}

/** One text and, per entity, every span where it is mentioned (an entity named twice is read as one). */
export interface EntityQuery {
  text: string;
  entities: readonly (readonly EntitySpan[])[];
}

export interface EntitySentimentScorer {
  /** Identifies the weights; stored with every entity score. */
  readonly modelVersion: string;
  /** The TensorFlow.js backend in use. */
  readonly backend: string;
  /**
   * Probabilities row-major as [negative, neutral, positive] per entity: the queries' entities in order,
   * concatenated (3 × the total number of entities). One encoder pass per text serves all its entities.
   */
  scoreEntities(queries: readonly EntityQuery[]): Promise<Float32Array>;
  /**
   * Whether entities are scored right now, for readiness (optional: an in-process scorer is up while the
   * process is). A failure degrades a stage but does not stop it: items are still stored with the headline score.
   */
  healthcheck?(): Promise<Health>;
  close(): Promise<void>;
}
