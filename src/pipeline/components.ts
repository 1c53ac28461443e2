/**
 * Opens the parts every stage is built from — bus, store, scorer, topic matcher — from their config slices,
 * so `run` (all stages in one process) and the single-stage commands assemble them the same way.
 */
import { createBus } from '../bus/create-bus.ts';
import type { BusConfig } from '../config/bus.ts';
import type { EntityScoringConfig } from '../config/entities.ts';
import type { BackendChoice, ModelConfig } from '../config/model.ts';
import type { StoreConfig } from '../config/store.ts';
import type { TopicsConfig } from '../config/topics.ts';
import type { Bus } from '../core/bus.ts';
import type { Logger } from '../core/logger.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import type { Store } from '../core/store.ts';
import type { EntityScoring } from '../scoring/entity-scoring.ts';
import { createStore } from '../store/create-store.ts';
import { createTopicMatcher, type TopicMatcher } from '../topics/matcher.ts';
import { loadWatchlist } from '../topics/watchlist.ts';
import { type EntityScorerLoader, openEntityScoring } from './entity-scoring.ts';

/** The bus config of one stage: its own Kafka session timeout, when it sets one, replaces bus.sessionTimeoutMs. */
export function stageBusConfig(config: BusConfig, sessionTimeoutMs: number | undefined): BusConfig {
  return config.type === 'kafka' && sessionTimeoutMs !== undefined
    ? { ...config, sessionTimeoutMs }
    : config;
}

/** A stage process's bus, not connected yet (a stage connects it through its StageStartup). */
export function createStageBus(
  config: BusConfig,
  sessionTimeoutMs: number | undefined,
  logger: Logger,
): Bus {
  return createBus(stageBusConfig(config, sessionTimeoutMs), logger);
}

/** A stage process's store, not connected yet (a stage connects it through its StageStartup). */
export function createStageStore(config: StoreConfig, logger: Logger): Promise<Store> {
  return createStore(config, { logger: logger.child({ component: 'store' }) });
}

export async function openBus(config: BusConfig, logger: Logger): Promise<Bus> {
  const bus = createBus(config, logger);
  await bus.connect();
  logger.info({ bus: bus.type, topics: config.topics }, 'bus connected');
  return bus;
}

export async function openStore(config: StoreConfig, logger: Logger): Promise<Store> {
  const store = await createStageStore(config, logger);
  await store.connect();
  const health = await store.healthcheck();
  logger.debug({ store: store.type, detail: health.detail }, 'store ready');
  return store;
}

export async function openScorer(config: ModelConfig, logger: Logger): Promise<SentimentScorer> {
  // The model module pulls in TensorFlow.js: load it only in processes that score.
  const { loadScorer } = await import('../model/index.ts');
  const scorer = await loadScorer(config, logger.child({ component: 'model' }));
  logger.info({ model: scorer.modelVersion, backend: scorer.backend }, 'model loaded');
  return scorer;
}

/** The topic matcher, which also finds the companies a title names for entity scoring. */
export function openTopics(config: TopicsConfig, logger: Logger): TopicMatcher {
  const watchlist = loadWatchlist(config.watchlist);
  logger.debug(
    { watchlist: config.watchlist, keywords: config.keywords.length },
    'topic matcher ready',
  );
  return createTopicMatcher({ watchlist, keywords: config.keywords });
}

/**
 * Loads entity models on `backend`, each in a worker thread: its encoder passes take hundreds of ms to seconds
 * per batch, and on the main thread they would stall ingest, the sink, the dashboard and /ready meanwhile.
 * TensorFlow.js and the model code are imported only when one is loaded.
 */
export function entityScorerLoader(backend: BackendChoice): EntityScorerLoader {
  return async (dir, logger) => {
    const { createEntityWorkerScorer } = await import('../model/entity/entity-worker-scorer.ts');
    return createEntityWorkerScorer({ dir, backend, logger });
  };
}

/** A stage's per-company sentiment from `scoring.entities` (undefined when off), with the model of this build. */
export function openEntities(
  config: EntityScoringConfig,
  backend: BackendChoice,
  topics: TopicMatcher,
  logger: Logger,
  onFailure?: (items: number) => void,
): Promise<EntityScoring | undefined> {
  const load = entityScorerLoader(backend);
  return openEntityScoring({ config, mentions: topics, load, logger, onFailure });
}
