/**
 * The worker-pool SentimentScorer: spreads batches over the live worker threads, replaces a worker that dies
 * (after a backoff that grows while replacements keep failing), fails fast with a retriable error while no
 * worker is up, and reports healthy while at least one worker scores a known-good text.
 */
import { type BackoffOptions, backoffDelayMs, sleep } from '../core/backoff.ts';
import { describeError, ServiceError } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { probeScorer } from './health-probe.ts';
import type { PoolWorker } from './pool-worker.ts';

/** Below this many texts a batch is not split across workers: the message round trip costs more. */
const SPLIT_THRESHOLD = 16;

export const defaultRespawnBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

export interface WorkerPoolOptions {
  modelVersion: string;
  /** The backend asked for; the one the first worker reports wins. */
  backend: string;
  size: number;
  /** Starts the worker of one slot (tests keep the thread, to kill it). */
  spawn: (slot: number) => Promise<PoolWorker>;
  respawn: BackoffOptions;
  logger: Logger;
}

export class WorkerPoolScorer implements SentimentScorer {
  private turn = 0;
  /** Why each empty slot is empty, for errors and the health check. */
  private readonly down = new Map<number, string>();
  private readonly respawning = new Set<Promise<void>>();
  private readonly closed = new AbortController();

  private constructor(
    private readonly options: WorkerPoolOptions,
    readonly backend: string,
    private readonly workers: (PoolWorker | undefined)[],
  ) {
    workers.forEach((worker, slot) => {
      if (worker) this.watch(slot, worker, 0);
    });
  }

  get modelVersion(): string {
    return this.options.modelVersion;
  }

  /** Starts every worker; if any fails, the ones that started are closed again before the error is thrown. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPoolScorer> {
    const settled = await Promise.allSettled(
      Array.from({ length: options.size }, (_, slot) => options.spawn(slot)),
    );
    const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(started.map((worker) => worker.close()));
      throw new ServiceError(
        'scorer',
        `${options.size - started.length} of ${options.size} scoring workers failed to start: ${describeError(failure.reason)}`,
        { cause: failure.reason },
      );
    }
    return new WorkerPoolScorer(options, started[0]?.backend ?? options.backend, started);
  }

  /** The workers up now; none up is a retriable error naming why each is down. */
  liveWorkers(): PoolWorker[] {
    const live = this.workers.filter((worker): worker is PoolWorker => worker?.alive === true);
    if (live.length === 0)
      throw new ServiceError('scorer', `no scoring worker is up: ${this.downDetail()}`);
    return live;
  }

  async scoreBatch(texts: readonly string[]): Promise<Float32Array> {
    const live = this.liveWorkers();
    if (texts.length < SPLIT_THRESHOLD || live.length === 1) {
      const worker = live[this.turn++ % live.length] as PoolWorker;
      return worker.score(texts);
    }
    const chunk = Math.ceil(texts.length / live.length);
    const parts = await Promise.all(
      live.map((worker, i) => {
        const slice = texts.slice(i * chunk, (i + 1) * chunk);
        return slice.length > 0 ? worker.score(slice) : Promise.resolve(new Float32Array(0));
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

  /**
   * Probes every idle live worker; healthy while at least one scores. A busy worker counts as scoring: the
   * probe would queue behind its batch, and that batch's deadline catches a hang.
   */
  async healthcheck(): Promise<Health> {
    const results = await Promise.all(
      this.workers.map((worker, slot) => {
        if (!worker?.alive)
          return {
            ok: false,
            detail: `worker ${slot} down: ${this.down.get(slot) ?? 'not started'}`,
          };
        if (worker.busy) return { ok: true, detail: `worker ${slot} busy scoring` };
        return probeScorer((texts) => worker.score(texts), `worker ${slot}`);
      }),
    );
    const scoring = results.filter((result) => result.ok).length;
    const failing = results.filter((result) => !result.ok).map((result) => result.detail);
    return {
      ok: scoring > 0,
      detail: [`${scoring}/${this.workers.length} scoring workers up`, ...failing].join('; '),
    };
  }

  async close(): Promise<void> {
    this.closed.abort();
    await Promise.all(this.respawning);
    await Promise.all(this.workers.map((worker) => worker?.close()));
  }

  private downDetail(): string {
    return [...this.down].map(([slot, why]) => `worker ${slot}: ${why}`).join('; ');
  }

  /** `failures`: how many replacements of this slot failed in a row before this worker. */
  private watch(slot: number, worker: PoolWorker, failures: number): void {
    void worker.died.then((error) => {
      if (this.closed.signal.aborted) return;
      this.workers[slot] = undefined;
      // A worker that never answered before dying did not break the run of failures.
      this.replace(slot, error, worker.answered > 0 ? 1 : failures + 1);
    });
  }

  private replace(slot: number, cause: unknown, failures: number): void {
    if (this.closed.signal.aborted) return;
    const delayMs = backoffDelayMs(failures, this.options.respawn);
    this.down.set(slot, `${describeError(cause)}; respawning in ${delayMs} ms`);
    this.options.logger.warn(
      { slot, error: describeError(cause), failures, delayMs },
      'scoring worker down; respawning it',
    );
    const attempt = (async () => {
      await sleep(delayMs, this.closed.signal);
      if (this.closed.signal.aborted) return;
      try {
        const worker = await this.options.spawn(slot);
        if (this.closed.signal.aborted) {
          await worker.close();
          return;
        }
        this.workers[slot] = worker;
        this.down.delete(slot);
        this.options.logger.info({ slot, failures }, 'scoring worker respawned');
        this.watch(slot, worker, failures);
      } catch (error) {
        this.replace(slot, error, failures + 1);
      }
    })();
    this.respawning.add(attempt);
    void attempt.finally(() => this.respawning.delete(attempt));
  }
}
