/**
 * The one retry backoff, shared by the bus adapters (redelivery, Kafka commits), the sink, the notifiers, the
 * scoring worker respawns, stage start-up and the feed poller: exponential from a base, capped, jittered.
 */

export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number;
  /** Longest delay however many times it failed, jitter included. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 100, maxMs: 5_000 };

/**
 * Delay before retrying after the `failures`-th consecutive failure (1-based): baseMs doubled per failure,
 * capped at maxMs. `random` (uniform in [0, 1)) is injectable so schedulers under a test clock stay exact.
 */
export function backoffDelayMs(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  // 2^20 already passes any maxMs we configure; the bound keeps the power finite.
  const exponent = Math.min(Math.max(failures - 1, 0), 20);
  const delay = Math.min(options.baseMs * 2 ** exponent, options.maxMs);
  // Up to 10% jitter keeps several failing consumers (or feeds) from retrying in lockstep.
  return Math.min(Math.round(delay * (1 + random() * 0.1)), options.maxMs);
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
