/**
 * Opens per-company sentiment from `scoring.entities`: nothing when the mode is off, else the entity model
 * with the topic matcher that finds the companies. A model that is missing or does not load stops the
 * process at startup, naming the path and the way to run without it: an operator who asked for entity
 * scores must not get a scorer that silently lacks them.
 */
import { statSync } from 'node:fs';
import type { EntityScoringConfig } from '../config/entities.ts';
import type { EntitySentimentScorer } from '../core/entity-scorer.ts';
import { ConfigError, describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import {
  type CompanyMentionFinder,
  EntityCounters,
  type EntityScoring,
} from '../scoring/entity-scoring.ts';

/** Loads an entity model directory; the model module (TensorFlow.js) is imported only when one is needed. */
export type EntityScorerLoader = (dir: string, logger: Logger) => Promise<EntitySentimentScorer>;

const HOW_TO_TURN_OFF =
  'set scoring.entities.mode: off (or BELLWETHER_ENTITIES=off) to score headlines only';

function startupError(
  config: EntityScoringConfig,
  problem: string,
  howToTurnOff: string,
): ConfigError {
  return new ConfigError('entity scoring', [
    `scoring.entities.model: ${problem} (mode ${config.mode}); ${howToTurnOff}`,
  ]);
}

export interface OpenEntityScoringOptions {
  config: EntityScoringConfig;
  mentions: CompanyMentionFinder;
  load: EntityScorerLoader;
  logger: Logger;
  onFailure?: ((items: number) => void) | undefined;
  /** How to do without entity scores, for the error (default: the config setting and its variable). */
  howToTurnOff?: string;
}

export async function openEntityScoring(
  options: OpenEntityScoringOptions,
): Promise<EntityScoring | undefined> {
  const { config, logger } = options;
  const howToTurnOff = options.howToTurnOff ?? HOW_TO_TURN_OFF;
  if (config.mode === 'off') return undefined;
  const isDirectory = statSync(config.model, { throwIfNoEntry: false })?.isDirectory() === true;
  if (!isDirectory)
    throw startupError(config, `no entity model directory at ${config.model}`, howToTurnOff);
  let scorer: EntitySentimentScorer;
  try {
    scorer = await options.load(config.model, logger.child({ component: 'entity-model' }));
  } catch (error) {
    throw startupError(
      config,
      `cannot load the entity model at ${config.model}: ${describeError(error)}`,
      howToTurnOff,
    );
  }
  logger.debug(
    { model: scorer.modelVersion, backend: scorer.backend, mode: config.mode },
    'entity scoring on',
  );
  return {
    scorer,
    mentions: options.mentions,
    mode: config.mode,
    maxPerItem: config.maxPerItem,
    counters: new EntityCounters(),
    onFailure: options.onFailure,
  };
}
