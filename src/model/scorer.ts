/**
 * The SentimentScorer adapter: one in-process predictor, or a pool of worker threads each holding the
 * model (wasm runs one thread per process in Node, so workers are how a second core gets used).
 */
import { availableParallelism } from 'node:os';
import type { BackendChoice } from '../config/model.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import type { ConcreteBackend } from './backend.ts';
import { selectBackendForModel } from './backend-for-model.ts';
import { probeScorer } from './health-probe.ts';
import { loadModelDir, readModelMeta } from './model-files.ts';
import { isNativeBackend, nativeOpLock } from './native-op-lock.ts';
import { chooseNativeThreads } from './native-threads.ts';
import { PoolWorker, scoreWorkerThread } from './pool-worker.ts';
import { Predictor } from './predictor.ts';
import { warmUp } from './warm-up.ts';
import { defaultRespawnBackoff, WorkerPoolScorer } from './worker-pool-scorer.ts';

export interface ScorerOptions {
  /** Model directory (model.json, weights.bin, tokenizer.json, meta.json). */
  path: string;
  /** 'auto' = the fastest backend for this model by a probe cached per model version and machine. */
  backend: BackendChoice;
  /** Where that probe is cached (default: the project's cache folder). */
  cacheDir?: string;
  /** Worker threads (0 = the calling thread); 'auto': one per core on wasm/cpu (at most 4), one on native. */
  workers: 'auto' | number;
  /** Longest wait for a worker thread to score one batch; past it the worker is replaced. */
  requestTimeoutMs?: number;
}

/** Generous: a thousand-text batch of a large model on a slow core still fits; only a stuck worker does not. */
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Loading a model (and a wasm or native backend) in a fresh thread. */
const WORKER_START_TIMEOUT_MS = 120_000;

function workerCount(
  option: ScorerOptions['workers'],
  backend: ConcreteBackend,
  logger: Logger,
): number {
  const native = isNativeBackend(backend);
  // Native backends score in one thread of their own: on the main thread each pass stalled ingest, the
  // sink and the dashboard. Not two: native passes take turns under the process's lock (native-op-lock.ts;
  // two threads running ops at once crashed the process), so a second thread would only wait.
  if (option === 'auto') return native ? 1 : Math.max(1, Math.min(4, availableParallelism()));
  if (native && option > 1) {
    logger.warn(
      { workers: option, backend },
      `model.workers ${option} lowered to 1: native TensorFlow runs one pass at a time per process, so more threads would only wait`,
    );
    return 1;
  }
  return option;
}

class InProcessScorer implements SentimentScorer {
  constructor(
    readonly modelVersion: string,
    readonly backend: string,
    private readonly predictor: Predictor,
  ) {}

  async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    if (!isNativeBackend(this.backend)) return this.predictor.predict(texts);
    return nativeOpLock().run(() => this.predictor.predict(texts));
  }

  healthcheck(): Promise<Health> {
    return probeScorer((texts) => this.scoreBatch(texts), 'model');
  }

  async close(): Promise<void> {
    this.predictor.model.dispose();
  }
}

/** Loads the model directory and returns a scorer on the chosen backend (logged, with skip reasons). */
export async function loadScorer(options: ScorerOptions, logger: Logger): Promise<SentimentScorer> {
  // Before the backend choice, which may load native TensorFlow; a missing meta.json fails just below.
  const known = await readModelMeta(options.path).catch(() => undefined);
  const nativeThreads = known ? chooseNativeThreads(known, logger) : 'default';
  const selection = await selectBackendForModel(
    { choice: options.backend, modelPath: options.path, cacheDir: options.cacheDir },
    logger,
  );
  const count = workerCount(options.workers, selection.backend, logger);
  const threads = isNativeBackend(selection.backend) ? { nativeThreads } : {};
  if (count === 0) {
    const loaded = await loadModelDir(options.path);
    const predictor = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
      { scoring: true },
    );
    const warm = isNativeBackend(selection.backend)
      ? nativeOpLock().run(() => warmUp(predictor, selection.backend))
      : warmUp(predictor, selection.backend);
    logger.info(
      {
        model: loaded.meta.version,
        backend: selection.backend,
        workers: 0,
        warmUp: warm,
        ...threads,
      },
      'sentiment model loaded',
    );
    return new InProcessScorer(loaded.meta.version, selection.backend, predictor);
  }
  const meta = known ?? (await readModelMeta(options.path));
  // Workers get the concrete backend the main thread chose, so none of them probes again.
  const pool = await WorkerPoolScorer.start({
    modelVersion: meta.version,
    backend: selection.backend,
    size: count,
    spawn: () =>
      PoolWorker.start(scoreWorkerThread(options.path, selection.backend), {
        startMs: WORKER_START_TIMEOUT_MS,
        requestMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      }),
    respawn: defaultRespawnBackoff,
    logger,
  });
  logger.info(
    { model: meta.version, backend: selection.backend, workers: count, ...threads },
    'sentiment model loaded',
  );
  return pool;
}
