// A sink process started before its ClickHouse server waits (not ready on /ready) and starts storing once the server appears.
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka/kafka-bus.ts';
import { encodeItem } from '../../src/core/codec.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { repoRoot, startCli } from '../support/cli.ts';
import { freePort } from '../support/metrics-scrape.ts';
import { scoredItem } from '../support/news.ts';
import { ensureKafka, KAFKA_BROKERS } from '../support/services.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const work = mkdtempSync(join(tmpdir(), 'bellwether-late-store-'));
const scoredTopic = `late.${runId}.scored`;

/** A ClickHouse server of this test's own (own dir, own ports): stopping it disturbs no other test. */
let serverEnv: NodeJS.ProcessEnv;
let clickhouseUrl: string;
const clickhouse = (command: 'start' | 'stop') =>
  run('bash', ['deploy/clickhouse/clickhouse.sh', command], {
    cwd: repoRoot,
    env: serverEnv,
    timeout: 280_000,
  });

let sink: ChildProcess | undefined;
let sinkLog = '';

beforeAll(async () => {
  await ensureKafka();
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  clickhouseUrl = `http://127.0.0.1:${httpPort}`;
  serverEnv = {
    ...process.env,
    BELLWETHER_CLICKHOUSE_DIR: join(work, 'clickhouse'),
    BELLWETHER_CLICKHOUSE_HTTP_PORT: String(httpPort),
    BELLWETHER_CLICKHOUSE_TCP_PORT: String(tcpPort),
  };
}, 600_000);

afterAll(async () => {
  sink?.kill('SIGKILL');
  await clickhouse('stop').catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
}, 120_000);

async function ready(port: number): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`);
  return { status: res.status, body: await res.text() };
}

describe('issue 14.17 — a stage started while the store is down waits for it instead of exiting', () => {
  it('the sink reports not ready and stays up until ClickHouse appears, then stores what arrives', async () => {
    const configFile = join(work, 'config.yaml');
    writeFileSync(
      configFile,
      [
        'bus:',
        '  type: kafka',
        `  brokers: [${KAFKA_BROKERS}]`,
        '  partitions: 2',
        `  topics: { raw: late.${runId}.raw, scored: ${scoredTopic}, dlq: late.${runId}.dlq }`,
        'store:',
        '  type: clickhouse',
        `  url: ${clickhouseUrl}`,
        '  database: late_store',
        `sink: { group: late-${runId}-sink, maxBatchSize: 100, lingerMs: 50, sessionTimeoutMs: 10000 }`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    sink = startCli(['sink', '--port', String(port)], {
      BELLWETHER_CONFIG: configFile,
      BELLWETHER_LOG_LEVEL: 'debug',
    });
    sink.stderr?.on('data', (chunk) => {
      sinkLog += chunk;
    });
    const child = sink;
    await waitFor(
      () => {
        if (child.exitCode !== null) {
          throw new Error(`the sink exited (${child.exitCode}) instead of waiting:\n${sinkLog}`);
        }
        return ready(port).then(
          () => true,
          () => false,
        );
      },
      60_000,
      'the sink /ready endpoint',
    );

    const waiting = await ready(port);
    expect(waiting.status).toBe(503);
    expect(waiting.body).toMatch(/waiting for the store.*ECONNREFUSED/);
    // Several backoff rounds later it is still waiting, not gone.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(child.exitCode, sinkLog).toBeNull();
    expect((await ready(port)).status).toBe(503);

    await clickhouse('start');
    await waitFor(async () => (await ready(port)).status === 200, 60_000, 'the sink to be ready');
    expect(sinkLog).toMatch(/consuming/);

    const bus = new KafkaBus(
      {
        brokers: KAFKA_BROKERS.split(','),
        clientId: `late-${runId}`,
        partitions: 2,
        replicationFactor: 1,
        compression: 'none',
        sessionTimeoutMs: 10_000,
        ssl: false,
        topics: [scoredTopic],
      },
      silentLogger,
    );
    await bus.connect();
    const items = Array.from({ length: 20 }, (_, n) => scoredItem(n, { id: `late-${runId}-${n}` }));
    await bus.publish(
      scoredTopic,
      items.map((item) => ({ key: item.id, value: encodeItem(item) })),
    );
    await bus.close();

    const store = createClickhouseStore(
      {
        type: 'clickhouse',
        url: clickhouseUrl,
        username: 'default',
        password: '',
        database: 'late_store',
        requestTimeoutMs: 30_000,
      },
      { logger: silentLogger },
    );
    await store.connect();
    await waitFor(
      async () => (await store.itemCount('test-model')) === items.length,
      60_000,
      'the items in the store',
    );
    await store.close();

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited, sinkLog).toBe(0);
  }, 300_000);
});
