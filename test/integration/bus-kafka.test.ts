/**
 * The Bus contract on a real Kafka broker, plus a broker restart mid-stream.
 * Needs Java 17 and Maven: beforeAll runs `deploy/kafka/kafka.sh start` (fetches the broker on first use,
 * a no-op when it already runs) and leaves the broker running for later suites; `kafka.sh stop` ends it.
 * BELLWETHER_KAFKA_BROKERS points the suite at another broker instead (then the restart test is skipped).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka/kafka-bus.ts';
import { sleep } from '../../src/core/backoff.ts';
import { describeError, isRetriable } from '../../src/core/errors.ts';
import { createLogger, type LogLevel } from '../../src/core/logger.ts';
import { runBusContract } from '../contracts/bus-contract.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
// Quiet unless asked: BELLWETHER_TEST_LOG_LEVEL=warn shows the adapter's and kafkajs's warnings.
const logger = createLogger({
  level: (process.env.BELLWETHER_TEST_LOG_LEVEL ?? 'silent') as LogLevel,
  pretty: false,
});
const script = resolve(import.meta.dirname, '../../deploy/kafka/kafka.sh');
const external = process.env.BELLWETHER_KAFKA_BROKERS;
const brokers = (external ?? '127.0.0.1:9092').split(',');

async function kafka(command: 'start' | 'stop'): Promise<void> {
  await run('bash', [script, command], { timeout: 240_000 });
}

const makeBus = async (): Promise<KafkaBus> =>
  new KafkaBus(
    {
      brokers,
      clientId: 'bellwether-bus-test',
      partitions: 4,
      replicationFactor: 1,
      compression: 'gzip',
      sessionTimeoutMs: 10_000,
      ssl: false,
      backoff: { baseMs: 50, maxMs: 500 },
    },
    logger,
  );

beforeAll(async () => {
  if (!external) await kafka('start');
});

// Every test makes its own topics; dropping them keeps the broker's restarts quick on later runs.
afterAll(async () => {
  const { Kafka } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'bellwether-bus-test-cleanup',
    brokers,
    logLevel: 0,
  }).admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((t) => /^bw-(contract|restart)-/.test(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 20_000 });
  } finally {
    await admin.disconnect();
  }
});

runBusContract('kafka', makeBus, { waitMs: 30_000 });

describe('kafka bus with large messages', () => {
  it('carries a 2 MB incompressible message among small ones (the broker here allows 10 MB)', async () => {
    const bus = await makeBus();
    await bus.connect();
    const topic = `bw-contract-large-${randomUUID().slice(0, 8)}`;
    const big = randomBytes(2 * 1024 * 1024);
    const got: Buffer[] = [];
    await bus.subscribe(
      { topic, group: `${topic}-g`, maxBatchSize: 10, lingerMs: 20 },
      async (batch) => {
        for (const m of batch) got.push(m.value);
      },
    );
    await bus.publish(topic, [
      { key: 'a', value: 'before' },
      { key: 'a', value: big },
      { key: 'a', value: 'after' },
    ]);
    await waitFor(() => got.length >= 3, 30_000, 'three messages');
    expect(got.map((v) => v.length)).toEqual([6, big.length, 5]);
    expect(got[1]?.equals(big)).toBe(true);
    await bus.close();
  });
});

describe.skipIf(external !== undefined)('kafka bus across a broker restart', () => {
  it('reconnects producer and consumer and handles every message at least once', async () => {
    const bus = await makeBus();
    await bus.connect();
    const topic = `bw-restart-${randomUUID().slice(0, 8)}`;
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const handled = new Set<string>();
    let deliveries = 0;
    await bus.subscribe(
      { topic, group: `${topic}-g`, maxBatchSize: 50, lingerMs: 50 },
      async (batch) => {
        deliveries += batch.length;
        for (const m of batch) handled.add(m.value.toString());
      },
    );

    const total = 300;
    let published = 0;
    const publisher = (async () => {
      const deadline = Date.now() + 120_000;
      while (published < total && Date.now() < deadline) {
        const chunk = Array.from({ length: 10 }, (_, i) => ({
          key: `k${(published + i) % 11}`,
          value: String(published + i),
        }));
        try {
          await bus.publish(topic, chunk);
          published += chunk.length;
          await sleep(25);
        } catch (error) {
          // While the broker is down publishes fail as retriable; the caller retries (at least once).
          expect(isRetriable(error), describeError(error)).toBe(true);
          await sleep(500);
        }
      }
    })();

    await waitFor(() => published >= 100, 30_000, 'the first 100 messages to be published');
    await kafka('stop');
    await sleep(1_000);
    await kafka('start');
    await publisher;
    expect(published).toBe(total);
    await waitFor(() => handled.size >= total, 90_000, `all ${total} messages handled`);
    expect([...handled].map(Number).sort((a, b) => a - b)).toEqual([...Array(total).keys()]);
    expect(deliveries).toBeGreaterThanOrEqual(total);
    await bus.close();
  });
});
