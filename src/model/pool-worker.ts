/**
 * One scoring worker thread seen from the main thread: waits (bounded) for it to load the model, sends it
 * batches with a deadline, and reports its death — a crash, an exit nobody asked for, or a hang — so the pool
 * can replace it.
 */
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../config/model.ts';
import { workerModuleUrl } from '../core/code-layout.ts';
import { ServiceError } from '../core/errors.ts';
import { isNativeBackend, nativeOpLock } from './native-op-lock.ts';

type Reply = { id: number; probs?: Float32Array; error?: string };
type Ready = { ready: boolean; backend?: string; error?: string };

export interface PoolWorkerTimeouts {
  /** Longest wait for the thread to load its model. */
  startMs: number;
  /** Longest wait for one batch; a worker past it is taken as hung and terminated. */
  requestMs: number;
}

/** Starts the real score worker thread, which loads the model directory on the given backend. */
export function scoreWorkerThread(path: string, backend: BackendChoice): Worker {
  return new Worker(workerModuleUrl('score-worker', import.meta.url), {
    workerData: { path, backend, ...nativeLockData(backend) },
  });
}

/** What a thread that will run `backend` needs in its workerData to share the process's native op lock. */
export function nativeLockData(backend: string): { nativeLock?: SharedArrayBuffer } {
  return isNativeBackend(backend) ? { nativeLock: nativeOpLock().buffer } : {};
}

/** Resolves with the thread's ready message, or rejects if it errs, exits or stays silent first. */
function readyMessage(thread: Worker, startMs: number): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      finish();
    };
    const onMessage = (ready: Ready) => settle(() => resolve(ready));
    const onError = (error: Error) =>
      settle(() =>
        reject(
          new ServiceError('scorer', `worker crashed while loading the model: ${error.message}`, {
            cause: error,
          }),
        ),
      );
    const onExit = (code: number) =>
      settle(() =>
        reject(
          new ServiceError('scorer', `worker exited with code ${code} while loading the model`),
        ),
      );
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new ServiceError('scorer', `worker did not load the model within ${startMs} ms`)),
        ),
      startMs,
    );
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

export class PoolWorker {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (p: Float32Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  /** Why the thread is gone; every later request fails with it. */
  private death: ServiceError | undefined;
  private closing = false;
  private reportDeath: (error: ServiceError) => void = () => {};
  /** Resolves when the thread is gone without close() having been called. */
  readonly died = new Promise<ServiceError>((resolve) => {
    this.reportDeath = resolve;
  });
  private answeredCount = 0;

  private constructor(
    private readonly thread: Worker,
    readonly backend: string | undefined,
    private readonly requestMs: number,
  ) {
    thread.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.probs) {
        this.answeredCount += 1;
        waiter.resolve(reply.probs);
      } else
        waiter.reject(new ServiceError('scorer', `worker failed: ${reply.error ?? 'no result'}`));
    });
    thread.on('error', (error) =>
      this.fail(new ServiceError('scorer', `worker crashed: ${error.message}`, { cause: error })),
    );
    thread.on('exit', (code) =>
      this.fail(new ServiceError('scorer', `worker exited with code ${code}`)),
    );
  }

  /** Waits for `thread` (see scoreWorkerThread) to load the model; a thread that cannot is terminated. */
  static async start(thread: Worker, timeouts: PoolWorkerTimeouts): Promise<PoolWorker> {
    const ready = await readyMessage(thread, timeouts.startMs).catch(async (error: unknown) => {
      await thread.terminate();
      throw error;
    });
    if (!ready.ready) {
      await thread.terminate();
      throw new ServiceError(
        'scorer',
        `worker could not load the model: ${ready.error ?? 'unknown'}`,
      );
    }
    return new PoolWorker(thread, ready.backend, timeouts.requestMs);
  }

  /** Batches answered; a worker that answered none before dying did not really recover. */
  get answered(): number {
    return this.answeredCount;
  }

  /** Scoring a batch now; a hang shows as that batch's deadline passing. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  get alive(): boolean {
    return this.death === undefined && !this.closing;
  }

  score(texts: readonly string[]): Promise<Float32Array> {
    return this.request({ texts });
  }

  /**
   * Sends one request (its fields next to the id) to the thread and resolves with the probabilities it answers;
   * what the fields are is between the caller and its worker entry (score-worker reads `texts`).
   */
  request(body: Record<string, unknown>): Promise<Float32Array> {
    if (this.death) return Promise.reject(this.death);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // A worker scores one batch at a time: one past its deadline is stuck, and so is everything queued behind it.
      const timer = setTimeout(() => {
        this.fail(
          new ServiceError(
            'scorer',
            `worker gave no answer within ${this.requestMs} ms; terminated`,
          ),
        );
        void this.thread.terminate();
      }, this.requestMs);
      this.pending.set(id, { resolve, reject, timer });
      this.thread.postMessage({ ...body, id });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.thread.terminate();
  }

  private fail(error: ServiceError): void {
    if (this.death) return;
    this.death = error;
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
    if (!this.closing) this.reportDeath(error);
  }
}
