/** The one error hierarchy: every failure the product reports carries a code, whether retrying can help, and its cause. */

export interface BellwetherErrorOptions {
  retriable?: boolean;
  cause?: unknown;
}

export class BellwetherError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: BellwetherErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Configuration or rule file that cannot be used; lists every problem at once. */
export class ConfigError extends BellwetherError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    );
    this.problems = problems;
  }
}

/** A message or record that does not decode into the contract; never retriable. */
export class DecodeError extends BellwetherError {
  constructor(message: string, options: BellwetherErrorOptions = {}) {
    super('DECODE_FAILED', message, { ...options, retriable: false });
  }
}

export interface ServiceErrorOptions extends BellwetherErrorOptions {
  /** How long the service asked us to wait (its Retry-After), in ms. */
  retryAfterMs?: number | undefined;
}

/** A backing service (bus, store, notifier target) is unreachable or refused; usually retriable. */
export class ServiceError extends BellwetherError {
  readonly service: string;
  readonly retryAfterMs: number | undefined;
  constructor(service: string, message: string, options: ServiceErrorOptions = {}) {
    super('SERVICE_UNAVAILABLE', `${service}: ${message}`, {
      retriable: options.retriable ?? true,
      cause: options.cause,
    });
    this.service = service;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A command-line usage mistake: shown to the user with the command's help hint. */
export class UsageError extends BellwetherError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof BellwetherError ? error.retriable : false;
}

/** One line describing any thrown value, with the cause chain, for logs and DLQ headers. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ');
}
