/**
 * Feed bodies parsed on one shared worker thread, so a multi-MB body (seconds of XML parsing) does not hold
 * up the event loop that also serves scoring, the bus and the dashboard.
 */
import { Worker } from 'node:worker_threads';
import { workerModuleUrl } from '../../core/code-layout.ts';
import { ServiceError } from '../../core/errors.ts';
import type { IngestBatch } from '../common/batch.ts';
import type { FeedBodyOptions } from './feed-items.ts';
import type { ParseReply, ParseRequest } from './feed-parse-worker.ts';

type Waiter = { resolve: (batch: IngestBatch) => void; reject: (error: Error) => void };

let thread: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Waiter>();

/** Every waiter fails with `error`; the next parse starts a fresh thread. */
function fail(from: Worker, error: ServiceError): void {
  if (thread !== from) return;
  thread = undefined;
  for (const waiter of pending.values()) waiter.reject(error);
  pending.clear();
}

function started(): Worker {
  if (thread) return thread;
  const worker = new Worker(workerModuleUrl('feed-parse-worker', import.meta.url));
  worker.on('message', (reply: ParseReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    // An idle thread must not keep the process alive (a one-shot `ingest` would never exit).
    if (pending.size === 0) worker.unref();
    if ('batch' in reply) waiter.resolve(reply.batch);
    else waiter.reject(new ServiceError('feed parser', reply.error, { retriable: false }));
  });
  worker.on('error', (error) =>
    fail(
      worker,
      new ServiceError('feed parser', `worker crashed: ${error.message}`, { cause: error }),
    ),
  );
  worker.on('exit', (code) =>
    fail(worker, new ServiceError('feed parser', `worker exited with code ${code}`)),
  );
  thread = worker;
  return worker;
}

/** feedBodyToItems on the shared worker thread; the bytes are copied to it. */
export function parseFeedBodyOffThread(
  bytes: Uint8Array,
  options: FeedBodyOptions,
): Promise<IngestBatch> {
  const worker = started();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.ref();
    const request: ParseRequest = { id, bytes, options };
    worker.postMessage(request);
  });
}
