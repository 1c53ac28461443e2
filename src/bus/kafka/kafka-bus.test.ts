// What the Kafka adapter does without a broker: driver failures become retriable ServiceErrors, driver logs go to pino.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../core/errors.ts';
import { silentLogger } from '../../core/logger.ts';
import { KafkaBus } from './kafka-bus.ts';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-logger.ts';

describe('KafkaBus without a broker', () => {
  it('fails to connect with a retriable ServiceError naming the brokers', async () => {
    // Port 1 on loopback refuses at once, so kafkajs's own retries run out quickly.
    const bus = new KafkaBus(
      {
        brokers: ['127.0.0.1:1'],
        clientId: 'unit',
        partitions: 1,
        replicationFactor: 1,
        compression: 'gzip',
        sessionTimeoutMs: 10_000,
        ssl: false,
        retryMaxMs: 1_000,
      },
      silentLogger,
    );
    const failure = await bus.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceError);
    expect((failure as ServiceError).retriable).toBe(true);
    expect((failure as ServiceError).message).toMatch(/^kafka: connect to 127\.0\.0\.1:1: /);
    expect((failure as ServiceError).cause).toBeInstanceOf(Error);
    expect((await bus.healthcheck()).ok).toBe(false);
    await bus.close();
  });
});

describe('kafkajs logs', () => {
  function capture(level: pino.Level) {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { logger: pino({ level }, sink), lines };
  }

  it('go through pino, demoted one step and tagged', () => {
    const { logger, lines } = capture('trace');
    const log = kafkaLogCreator(logger)(0);
    const entry = (level: number, message: string) => ({
      namespace: 'Connection',
      level,
      label: 'X',
      log: { timestamp: 't', message, broker: 'b:1' },
    });
    log(entry(1, 'connection refused'));
    log(entry(2, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'));
    log(entry(4, 'joined'));
    log(entry(5, 'fetching'));
    expect(lines.map((l) => [l.level, l.msg, l.component, l.namespace, l.broker])).toEqual([
      [40, 'connection refused', 'kafkajs', 'Connection', 'b:1'],
      [
        20,
        'Limiting retries for the idempotent producer may invalidate EoS guarantees',
        'kafkajs',
        'Connection',
        'b:1',
      ],
      [20, 'joined', 'kafkajs', 'Connection', 'b:1'],
      [10, 'fetching', 'kafkajs', 'Connection', 'b:1'],
    ]);
  });

  it('are quiet unless the product logs at debug', () => {
    expect(kafkaLogLevel(capture('info').logger)).toBe(2);
    expect(kafkaLogLevel(capture('debug').logger)).toBe(4);
    expect(kafkaLogLevel(capture('error').logger)).toBe(0);
  });
});
