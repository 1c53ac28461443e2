/**
 * The entity scorer off the main thread: the encoder's passes (hundreds of ms to seconds per batch, all
 * synchronous tfjs calls) run in a worker thread, so ingest, the sink, the dashboard and /ready keep turning
 * meanwhile. The worker pool's machinery watches the thread: one that dies is replaced after a growing backoff,
 * and while none is up scoreEntities rejects (the scoring stage then stores the items without entities).
 */
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../../config/model.ts';
import { workerModuleUrl } from '../../core/code-layout.ts';
import type { EntityQuery, EntitySentimentScorer } from '../../core/entity-scorer.ts';
import { describeError } from '../../core/errors.ts';
import type { Health } from '../../core/lifecycle.ts';
import type { Logger } from '../../core/logger.ts';
import { selectBackend } from '../backend.ts';
import { nativeLockData, PoolWorker, type PoolWorkerTimeouts } from '../pool-worker.ts';
import { defaultRespawnBackoff, WorkerPoolScorer } from '../worker-pool-scorer.ts';
import { readEntityMeta } from './entity-model-files.ts';

/** Generous: a large batch of multi-company headlines through twelve layers per entity on a slow core. */
const REQUEST_TIMEOUT_MS = 120_000;
/** Loading the encoder and the head (and a wasm or native backend) in a fresh thread. */
const START_TIMEOUT_MS = 120_000;

/** Starts a thread that loads the entity model directory on the given (concrete) backend. */
export function entityWorkerThread(dir: string, backend: BackendChoice): Worker {
  return new Worker(workerModuleUrl('entity-worker', import.meta.url), {
    workerData: { dir, backend, ...nativeLockData(backend) },
  });
}

/** A known headline naming two companies: the probe scores it through a live worker. */
const PROBE_TEXT = 'Tesla shares jump as Ford slumps on weak quarter';
const PROBE: EntityQuery = {
  text: PROBE_TEXT,
  entities: ['Tesla', 'Ford'].map((name) => {
    const start = PROBE_TEXT.indexOf(name);
    return [{ start, end: start + name.length }];
  }),
};

export class EntityWorkerScorer implements EntitySentimentScorer {
  private turn = 0;

  constructor(
    readonly modelVersion: string,
    private readonly pool: WorkerPoolScorer,
  ) {}

  get backend(): string {
    return this.pool.backend;
  }

  async scoreEntities(queries: readonly EntityQuery[]): Promise<Float32Array> {
    const live = this.pool.liveWorkers();
    const worker = live[this.turn++ % live.length] as PoolWorker;
    return worker.request({ queries });
  }

  /**
   * Up when a worker is live and gives the probe headline a finite [neg, neu, pos] per company. A worker busy
   * with a batch counts as up: queueing the probe behind it would hold /ready for seconds.
   */
  async healthcheck(): Promise<Health> {
    try {
      const live = this.pool.liveWorkers();
      const idle = live.find((worker) => !worker.busy);
      if (!idle) return { ok: true, detail: `entity model ${this.modelVersion}: busy scoring` };
      const probs: Float32Array = await idle.request({ queries: [PROBE] });
      const finite = probs.length === 6 && probs.every(Number.isFinite);
      return finite
        ? { ok: true, detail: `entity model ${this.modelVersion} scores a two-company headline` }
        : {
            ok: false,
            detail: `entity model ${this.modelVersion} gave no finite scores for the probe`,
          };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface EntityWorkerScorerOptions {
  /** The entity model directory (models/entity). */
  dir: string;
  backend: BackendChoice;
  logger: Logger;
  /** Worker threads, each with its own copy of the model (default 1). */
  workers?: number;
  /** Tests start the thread themselves, to kill it. */
  thread?: (dir: string, backend: BackendChoice) => Worker;
  timeouts?: Partial<PoolWorkerTimeouts>;
  respawn?: typeof defaultRespawnBackoff;
}

/** Picks the backend here (so the worker does not probe again), then starts the worker and waits for its model. */
export async function createEntityWorkerScorer(
  options: EntityWorkerScorerOptions,
): Promise<EntityWorkerScorer> {
  const meta = await readEntityMeta(options.dir);
  const selection = await selectBackend(options.backend, options.logger);
  const thread = options.thread ?? entityWorkerThread;
  const timeouts: PoolWorkerTimeouts = {
    startMs: options.timeouts?.startMs ?? START_TIMEOUT_MS,
    requestMs: options.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS,
  };
  const pool = await WorkerPoolScorer.start({
    modelVersion: meta.version,
    backend: selection.backend,
    size: options.workers ?? 1,
    spawn: () => PoolWorker.start(thread(options.dir, selection.backend), timeouts),
    respawn: options.respawn ?? defaultRespawnBackoff,
    logger: options.logger,
  });
  options.logger.info(
    {
      dir: options.dir,
      version: meta.version,
      encoder: meta.encoder.version,
      backend: pool.backend,
      workers: options.workers ?? 1,
    },
    'entity model loaded in a worker thread',
  );
  return new EntityWorkerScorer(meta.version, pool);
}
