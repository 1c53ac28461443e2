/** Translates kafkajs errors into the product's ServiceError at the adapter boundary, keeping retriability. */
import { BellwetherError, ServiceError } from '../../core/errors.ts';

interface DriverError {
  name?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/** kafkajs marks errors retriable either on the error or on the cause that a retrier gave up on. */
function driverRetriable(error: DriverError, depth = 0): boolean | undefined {
  if (typeof error.retriable === 'boolean' && error.name !== 'KafkaJSNumberOfRetriesExceeded') {
    return error.retriable;
  }
  if (error.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  if (depth < 5 && typeof error.cause === 'object' && error.cause !== null) {
    return driverRetriable(error.cause as DriverError, depth + 1);
  }
  return undefined;
}

/** `action` says what was attempted, e.g. "publish to news.raw". */
export function toServiceError(error: unknown, action: string): BellwetherError {
  if (error instanceof BellwetherError) return error;
  const driver = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const message = typeof driver.message === 'string' ? driver.message : String(error);
  // Unknown failures from a network client are most often transient: say retriable unless told not.
  const retriable = driverRetriable(driver) ?? true;
  return new ServiceError('kafka', `${action}: ${message}`, { retriable, cause: error });
}
