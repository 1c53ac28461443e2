/** Retry backoff shared by the bus adapters, the sink and the notifiers: exponential from a base, capped, jittered. */

export interface BackoffOptions {
  /** Delay before the first redelivery. */
  baseMs: number;
  /** Longest delay however many times a batch failed. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 100, maxMs: 5_000 };

/** Delay before redelivering after the `failures`-th consecutive failure (1-based). */
export function backoffDelayMs(failures: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 20);
  const delay = Math.min(options.baseMs * 2 ** exponent, options.maxMs);
  // Up to 10% jitter keeps several failing consumers from retrying in lockstep.
  return Math.round(delay * (1 + Math.random() * 0.1));
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
