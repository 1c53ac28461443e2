/**
 * The worker side of a PoolWorker: loads a model once, says ready (or why not), then answers each request with
 * probabilities, handing their buffer over instead of copying it. A request that throws is answered with the
 * error; the thread stays up for the next.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NativeOpLock } from './native-op-lock.ts';

export interface ScoringService<Request> {
  /** The concrete backend the model runs on. */
  backend: string;
  answer(request: Request): Float32Array;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `load` gets the thread's workerData; requests arrive one at a time (the next waits for this answer).
 * With a `nativeLock` in the workerData (native backends), loading and every answer hold the process's
 * native op lock (native-op-lock.ts).
 */
export async function serveScoring<Init, Request>(
  load: (init: Init) => Promise<ScoringService<Request>>,
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('a scoring worker must run in a worker thread');
  const shared = (workerData as { nativeLock?: SharedArrayBuffer }).nativeLock;
  const lock = shared ? new NativeOpLock(shared) : undefined;
  try {
    const service = lock
      ? await lock.runAsync(() => load(workerData as Init))
      : await load(workerData as Init);
    const answer = lock
      ? (request: Request) => lock.run(() => service.answer(request))
      : (request: Request) => service.answer(request);
    port.on('message', (request: Request & { id: number }) => {
      try {
        const probs = answer(request);
        port.postMessage({ id: request.id, probs }, [probs.buffer as ArrayBuffer]);
      } catch (error) {
        port.postMessage({ id: request.id, error: message(error) });
      }
    });
    port.postMessage({ ready: true, backend: service.backend });
  } catch (error) {
    port.postMessage({ ready: false, error: message(error) });
  }
}
