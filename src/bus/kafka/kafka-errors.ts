/** Translates kafkajs errors into the product's ServiceError at the adapter boundary, keeping retriability. */
import { BellwetherError, ServiceError } from '../../core/errors.ts';

interface DriverError {
  name?: unknown;
  message?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/** Failures of the network or of a broker that is (re)starting: worth retrying whatever the wrapper says. */
const TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
]);

/**
 * kafkajs nests retriers, and an outer one that gives up wraps the inner error in a KafkaJSNonRetriableError
 * even when the root cause was a refused connection. So the whole cause chain is read: retriable if any link
 * is transient or marked retriable; undefined when nothing in it says either way.
 */
function driverRetriable(error: DriverError): boolean | undefined {
  let verdict: boolean | undefined;
  let link: DriverError | undefined = error;
  for (let depth = 0; link && depth < 8; depth++) {
    if (typeof link.name === 'string' && TRANSIENT_NAMES.has(link.name)) return true;
    if (link.retriable === true) return true;
    if (link.retriable === false) verdict = false;
    link =
      typeof link.cause === 'object' && link.cause !== null
        ? (link.cause as DriverError)
        : undefined;
  }
  return verdict;
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
