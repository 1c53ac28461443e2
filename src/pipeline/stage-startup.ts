/**
 * A stage process's start: connects the services it needs (store, bus) with backoff while they are
 * unreachable, so a stage started before them waits, not ready on /ready, instead of exiting.
 */
import { type BackoffOptions, backoffDelayMs, sleep } from '../core/backoff.ts';
import { describeError, isRetriable } from '../core/errors.ts';
import type { Health } from '../core/lifecycle.ts';
import type { Logger } from '../core/logger.ts';

/** Retries settle at one every 5 s: a service that appears is used within seconds, a long outage costs little. */
const STARTUP_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 5_000 };

/** While a service stays unreachable, one warning per this many attempts (the rest at debug). */
const WARN_EVERY = 12;

export class StageStartup {
  private state = 'starting';
  private ready = false;

  constructor(
    private readonly stage: string,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly backoff: BackoffOptions = STARTUP_BACKOFF,
  ) {}

  /** For /ready: not ready until every service is connected and the stage has started. */
  readonly check = async (): Promise<Health> =>
    this.ready
      ? { ok: true, detail: `${this.stage}: started` }
      : { ok: false, detail: `${this.stage}: ${this.state}` };

  /**
   * Runs `connect` until it succeeds. A retriable failure (the service is not up yet) is retried with
   * backoff; any other (bad config, a data dir held by another process) is thrown at once. Resolves
   * false when the signal aborted the wait.
   */
  async connect(service: string, connect: () => Promise<void>): Promise<boolean> {
    for (let failures = 0; !this.signal.aborted; ) {
      this.state = `connecting to the ${service}`;
      try {
        await connect();
        if (failures > 0) {
          this.logger.info(
            { stage: this.stage, service, failures },
            `${this.stage}: ${service} up`,
          );
        }
        return true;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        failures++;
        const retryInMs = backoffDelayMs(failures, this.backoff);
        const reason = describeError(error);
        this.state = `waiting for the ${service} (${failures} attempts): ${reason}`;
        const fields = { stage: this.stage, service, failures, retryInMs, error: reason };
        const message = `${this.stage}: ${service} unreachable; waiting for it`;
        if (failures % WARN_EVERY === 1) this.logger.warn(fields, message);
        else this.logger.debug(fields, message);
        await sleep(retryInMs, this.signal);
      }
    }
    return false;
  }

  /** The stage consumes: /ready reports ready from now on. */
  started(): void {
    this.ready = true;
  }
}
