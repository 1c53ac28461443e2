/** Retry-After: read from a response, and laid over a backoff delay (honoured up to a day, never shortened silently). */
import { formatDuration } from './duration.ts';

/** The longest wait a Retry-After gets; a server asking for more is capped, and the caller logs that. */
export const RETRY_AFTER_MAX_MS = 86_400_000;

/** Milliseconds from a Retry-After header: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The backoff delay, or the Retry-After when it asks for longer (up to RETRY_AFTER_MAX_MS); `note` says
 * when Retry-After set the delay, for the log line.
 */
export function honourRetryAfter(
  backoffMs: number,
  retryAfterMs: number | undefined,
): { delayMs: number; note?: string } {
  if (retryAfterMs === undefined || retryAfterMs <= backoffMs) return { delayMs: backoffMs };
  if (retryAfterMs <= RETRY_AFTER_MAX_MS) {
    return { delayMs: Math.round(retryAfterMs), note: 'as Retry-After asks' };
  }
  const asked = formatDuration(Math.round(retryAfterMs / 1000) * 1000);
  return {
    delayMs: RETRY_AFTER_MAX_MS,
    note: `Retry-After asked for ${asked}; capped at ${formatDuration(RETRY_AFTER_MAX_MS)}`,
  };
}
