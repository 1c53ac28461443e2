/** Routes kafkajs's own log lines into our pino logger, quiet unless the product logs at debug. */
import type { logLevel as KafkaLogLevel, logCreator } from 'kafkajs';
import type { Logger } from '../../core/logger.ts';

// kafkajs's level numbers, spelled out so this module does not load the driver (it is imported lazily).
const NOTHING = 0 as KafkaLogLevel;
const ERROR = 1 as KafkaLogLevel;
const WARN = 2 as KafkaLogLevel;
const INFO = 4 as KafkaLogLevel;
const DEBUG = 5 as KafkaLogLevel;

/** kafkajs shouts ERROR for things it retries itself (coordinator loading, a broker restarting); our
 * boundary reports what finally fails, so its lines are demoted one step. */
/** Lines kafkajs prints on every start that say nothing about this deployment. */
const NOISE = [
  // We retry for a bounded time on purpose: delivery is at-least-once and the store deduplicates.
  'Limiting retries for the idempotent producer',
];

export function kafkaLogCreator(logger: Logger): logCreator {
  const driver = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { namespace, ...extra };
      if (NOISE.some((n) => message.startsWith(n))) {
        driver.debug(fields, message);
        return;
      }
      if (level === ERROR || level === WARN) driver.warn(fields, message);
      else if (level === INFO) driver.debug(fields, message);
      else driver.trace(fields, message);
    };
}

/** The threshold handed to kafkajs: lines below it are never even formatted. */
export function kafkaLogLevel(logger: Logger): KafkaLogLevel {
  switch (logger.level) {
    case 'trace':
      return DEBUG;
    case 'debug':
      return INFO;
    case 'silent':
    case 'fatal':
    case 'error':
      return NOTHING;
    default:
      return WARN;
  }
}
