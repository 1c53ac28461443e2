// Driver errors become ServiceErrors whose retriability follows the root cause, not kafkajs's outer wrapper.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ConfigError, ServiceError } from '../../core/errors.ts';
import { toServiceError } from './kafka-errors.ts';

// kafkajs does not export its error classes from the package root; the real ones are used all the same.
const errors = createRequire(import.meta.url)('kafkajs/src/errors') as Record<
  string,
  new (
    e: unknown,
    options?: Record<string, unknown>,
  ) => Error
>;
const make = (name: string, e: unknown, options?: Record<string, unknown>): Error => {
  const Kind = errors[name];
  if (!Kind) throw new Error(`kafkajs has no ${name}`);
  return new Kind(e, options);
};

describe('toServiceError', () => {
  it('keeps a refused connection retriable even inside a non-retriable wrapper', () => {
    const refused = make(
      'KafkaJSConnectionError',
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
    const wrapped = make('KafkaJSNonRetriableError', refused, { cause: refused });
    const out = toServiceError(wrapped, 'publish 10 message(s) to t');
    expect(out).toBeInstanceOf(ServiceError);
    expect(out.retriable).toBe(true);
    expect(out.message).toBe(
      'kafka: publish 10 message(s) to t: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
    expect(out.cause).toBe(wrapped);
  });

  it('says not retriable when the broker refused the request itself', () => {
    const tooLarge = make('KafkaJSProtocolError', {
      type: 'MESSAGE_TOO_LARGE',
      code: 10,
      retriable: false,
      message:
        'The request included a message larger than the max message size the server will accept',
    });
    const out = toServiceError(
      make('KafkaJSNonRetriableError', tooLarge, { cause: tooLarge }),
      'publish',
    );
    expect(out.retriable).toBe(false);
  });

  it('passes our own errors through untouched', () => {
    const own = new ConfigError('bus', ['brokers: empty']);
    expect(toServiceError(own, 'connect')).toBe(own);
  });
});
