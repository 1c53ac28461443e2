/**
 * The entity scorer (the EntitySentimentScorer port): per text, one pass of the accurate model's encoder,
 * then the entity head once per entity over those states. Runs on the process's tfjs backend.
 */
import type { BackendChoice } from '../../config/model.ts';
import type { EntityQuery, EntitySentimentScorer } from '../../core/entity-scorer.ts';
import type { Logger } from '../../core/logger.ts';
import { selectBackend } from '../backend.ts';
import { EncoderStates } from './encoder-states.ts';
import { type LoadedEntityModel, loadEntityModel } from './entity-model-files.ts';
import { type EntityRow, predictRows } from './entity-rows.ts';
import { spanPositions } from './entity-spans.ts';
import { headlineProbs } from './headline-head.ts';

export interface EntityScores {
  /** Row-major ×3 per entity, the queries' entities concatenated in order. */
  entities: Float32Array;
  /** Row-major ×3 per query: the encoder model's own label for the whole text. */
  headlines: Float32Array;
}

export class EntityScorer implements EntitySentimentScorer {
  readonly modelVersion: string;
  private readonly states: EncoderStates;
  private readonly counter: { contentLength(text: string): number };

  constructor(
    private readonly model: LoadedEntityModel,
    readonly backend: string,
    private readonly batchSize = 32,
  ) {
    this.modelVersion = model.meta.version;
    this.states = new EncoderStates(
      model.encoder.model,
      model.encoder.config,
      model.meta.architecture.fromLayer,
    );
    const { tokenizer } = model.encoder;
    this.counter = {
      contentLength: (text) => tokenizer.encode(text, Number.POSITIVE_INFINITY).length,
    };
  }

  async scoreEntities(queries: readonly EntityQuery[]): Promise<Float32Array> {
    return this.score(queries, false).entities;
  }

  /** The entities' scores and, from the same encoder pass, each whole text's (the baseline `eval --entities` reports). */
  score(queries: readonly EntityQuery[], withHeadlines = true): EntityScores {
    const { maxLen } = this.model.meta.encoder;
    const withEntities = queries.filter((q) => q.entities.length > 0);
    const framed = (withHeadlines ? queries : withEntities).map((q) =>
      this.model.encoder.tokenizer.encodeFramed(q.text, maxLen),
    );
    const texts = this.states.encodeAll(framed, this.batchSize);
    const rows: EntityRow[] = [];
    (withHeadlines ? queries : withEntities).forEach((q, text) => {
      const length = framed[text]?.length ?? 2;
      for (const spans of q.entities) {
        rows.push({ text, positions: spanPositions(q.text, spans, this.counter, length) });
      }
    });
    const hidden = this.states.hidden;
    return {
      entities: predictRows(this.model.head, texts, rows, hidden),
      headlines: withHeadlines
        ? headlineProbs(
            this.model.encoder.model,
            texts,
            this.model.encoder.config.encoder,
            this.model.meta.architecture.fromLayer,
          )
        : new Float32Array(0),
    };
  }

  async close(): Promise<void> {
    this.model.head.dispose();
    this.model.encoder.model.dispose();
  }
}

export interface EntityScorerOptions {
  /** The entity model directory (models/entity). */
  dir: string;
  backend: BackendChoice;
  logger: Logger;
}

/** Selects the backend, loads the head and its encoder model (checking their versions agree). */
export async function createEntityScorer(options: EntityScorerOptions): Promise<EntityScorer> {
  const selection = await selectBackend(options.backend, options.logger);
  const model = await loadEntityModel(options.dir);
  options.logger.info(
    {
      dir: options.dir,
      version: model.meta.version,
      encoder: model.meta.encoder.version,
      backend: selection.backend,
    },
    'entity model loaded',
  );
  return new EntityScorer(model, selection.backend);
}
