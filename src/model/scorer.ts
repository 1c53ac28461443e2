/**
 * The SentimentScorer adapter: one in-process predictor, or a pool of worker threads each holding the
 * model (wasm runs one thread per process in Node, so workers are how a second core gets used).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../config/model.ts';
import { ServiceError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { type ConcreteBackend, selectBackend } from './backend.ts';
import { probeScorer } from './health-probe.ts';
import { loadModelDir } from './model-files.ts';
import { Predictor } from './predictor.ts';

export interface ScorerOptions {
  /** Model directory (model.json, weights.bin, tokenizer.json, meta.json). */
  path: string;
  backend: BackendChoice;
  /** Worker threads; 'auto' = one per core on wasm/cpu (capped at 4), none on native backends. */
  workers: 'auto' | number;
}

/** Below this many texts a batch is not split across workers: the message round trip costs more. */
const SPLIT_THRESHOLD = 16;

function workerCount(option: ScorerOptions['workers'], backend: ConcreteBackend): number {
  if (typeof option === 'number') return option;
  if (backend === 'tensorflow' || backend === 'tensorflow-gpu') return 1;
  return Math.max(1, Math.min(4, availableParallelism()));
}

class InProcessScorer implements SentimentScorer {
  constructor(
    readonly modelVersion: string,
    readonly backend: string,
    private readonly predictor: Predictor,
  ) {}

  async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    return this.predictor.predict(texts);
  }

  healthcheck(): Promise<Health> {
    return probeScorer((texts) => this.scoreBatch(texts), 'model');
  }

  async close(): Promise<void> {
    this.predictor.model.dispose();
  }
}

type Reply = { id: number; probs?: Float32Array; error?: string };

class PoolWorker {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (p: Float32Array) => void; reject: (e: Error) => void }
  >();
  private failed: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.probs) waiter.resolve(reply.probs);
      else
        waiter.reject(new ServiceError('scorer', `worker failed: ${reply.error ?? 'no result'}`));
    });
    const failAll = (error: Error) => {
      this.failed = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) =>
      failAll(new ServiceError('scorer', `worker crashed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new ServiceError('scorer', `worker exited with code ${code}`));
    });
  }

  static async start(
    path: string,
    backend: BackendChoice,
  ): Promise<{ worker: PoolWorker; backend: string }> {
    // A plain-JS entry registers tsx inside the worker: loader flags do not reach worker threads reliably.
    const worker = new Worker(new URL('./score-worker-entry.js', import.meta.url), {
      workerData: { path, backend },
    });
    const ready = await new Promise<{ ready: boolean; backend?: string; error?: string }>(
      (resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      },
    );
    if (!ready.ready) {
      await worker.terminate();
      throw new ServiceError(
        'scorer',
        `worker could not load the model: ${ready.error ?? 'unknown'}`,
      );
    }
    return { worker: new PoolWorker(worker), backend: ready.backend ?? String(backend) };
  }

  score(texts: string[]): Promise<Float32Array> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

class WorkerPoolScorer implements SentimentScorer {
  private turn = 0;

  constructor(
    readonly modelVersion: string,
    readonly backend: string,
    private readonly workers: readonly PoolWorker[],
  ) {}

  async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    const n = this.workers.length;
    if (texts.length < SPLIT_THRESHOLD || n === 1) {
      const worker = this.workers[this.turn++ % n];
      if (!worker) throw new ServiceError('scorer', 'no scoring workers');
      return worker.score([...texts]);
    }
    const chunk = Math.ceil(texts.length / n);
    const parts = await Promise.all(
      this.workers.map((w, i) => {
        const slice = texts.slice(i * chunk, (i + 1) * chunk);
        return slice.length > 0 ? w.score(slice) : Promise.resolve(new Float32Array(0));
      }),
    );
    const out = new Float32Array(texts.length * 3);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  healthcheck(): Promise<Health> {
    return probeScorer((texts) => this.scoreBatch(texts), 'worker pool');
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

/** Loads the model directory and returns a scorer on the chosen backend (logged, with skip reasons). */
export async function loadScorer(options: ScorerOptions, logger: Logger): Promise<SentimentScorer> {
  const selection = await selectBackend(options.backend, logger);
  const count = workerCount(options.workers, selection.backend);
  if (count <= 1) {
    const loaded = await loadModelDir(options.path);
    const predictor = new Predictor(
      loaded.model,
      loaded.tokenizer,
      loaded.meta.architecture.maxLen,
    );
    logger.info(
      { model: loaded.meta.version, backend: selection.backend, workers: 0 },
      'sentiment model loaded',
    );
    return new InProcessScorer(loaded.meta.version, selection.backend, predictor);
  }
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const meta = JSON.parse(await readFile(join(options.path, 'meta.json'), 'utf8')) as {
    version: string;
  };
  // Workers get the concrete backend the main thread landed on, so they skip the same probing.
  const started = await Promise.all(
    Array.from({ length: count }, () => PoolWorker.start(options.path, selection.backend)),
  );
  logger.info(
    { model: meta.version, backend: selection.backend, workers: count },
    'sentiment model loaded',
  );
  return new WorkerPoolScorer(
    meta.version,
    started[0]?.backend ?? selection.backend,
    started.map((s) => s.worker),
  );
}
