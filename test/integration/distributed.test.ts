// The distributed mode end to end, each stage its own process: `replay` onto Kafka, two `score` processes in
// one consumer group, one `sink` into a ClickHouse server. Every manifest item is stored exactly once and the
// per-topic aggregates equal an embedded run of the same stream — even with a scorer and the sink killed
// mid-stream (a new sink takes over) and a poison message on news.raw (which lands in the DLQ with its reason while the stream goes on).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '../../src/bus/dead-letter.ts';
import { KafkaBus } from '../../src/bus/kafka/kafka-bus.ts';
import type { BusMessage } from '../../src/core/bus.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { TopicWindowCounts } from '../../src/core/rollup.ts';
import type { Store } from '../../src/core/store.ts';
import { createEmbeddedStore } from '../../src/store/embedded/embedded-store.ts';
import { repoRoot, runCli, startCli } from '../support/cli.ts';
import { consumerLagIn, freePort } from '../support/metrics-scrape.ts';
import {
  CLICKHOUSE_URL,
  clickhouseTestStore,
  ensureClickhouse,
  ensureKafka,
  KAFKA_BROKERS,
} from '../support/services.ts';
import { waitFor } from '../support/wait.ts';

const stream = 'shock-tsla';
const expectedItems = (
  JSON.parse(readFileSync(join(repoRoot, 'fixtures/streams', stream, 'manifest.json'), 'utf8')) as {
    expected: { items: number };
  }
).expected.items;

const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const topics = {
  raw: `dist.${runId}.raw`,
  scored: `dist.${runId}.scored`,
  dlq: `dist.${runId}.dlq`,
};
const database = `dist_${runId}`;
const work = mkdtempSync(join(tmpdir(), 'bellwether-dist-'));
const configFile = join(work, 'config.yaml');
writeFileSync(
  configFile,
  [
    'bus:',
    '  type: kafka',
    `  brokers: [${KAFKA_BROKERS}]`,
    '  partitions: 6',
    '  sessionTimeoutMs: 10000',
    `  topics: { raw: ${topics.raw}, scored: ${topics.scored}, dlq: ${topics.dlq} }`,
    'store:',
    '  type: clickhouse',
    `  url: ${CLICKHOUSE_URL}`,
    `  database: ${database}`,
    `scoring: { group: dist-${runId}-scorer, maxBatchSize: 64, lingerMs: 20 }`,
    `sink: { group: dist-${runId}-sink, maxBatchSize: 500, lingerMs: 100 }`,
    'alerts: { enabled: false }',
    'web: { enabled: false }',
    '',
  ].join('\n'),
);
const env = { BELLWETHER_CONFIG: configFile, BELLWETHER_LOG_LEVEL: 'info' };

const children: ChildProcess[] = [];
const logs = new Map<ChildProcess, string>();
/** `port` 0 = no metrics server; the stages that live to the end serve /metrics so their lag can be read. */
function stage(args: string[], port = 0): ChildProcess {
  const child = startCli([...args, '--port', String(port)], env);
  logs.set(child, '');
  child.stderr?.on('data', (chunk) => logs.set(child, `${logs.get(child) ?? ''}${chunk}`));
  children.push(child);
  return child;
}
const consuming = (child: ChildProcess) => /consuming/.test(logs.get(child) ?? '');
/** The stage's `bellwether_consumer_lag` from its /metrics, or undefined when the series is not there. */
async function scrapedLag(port: number, stageName: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return consumerLagIn(text, stageName);
}
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** A topic's item aggregates, which do not depend on the order items arrive in. */
const itemCounts = ({
  stories: _stories,
  negativeStories: _negative,
  ...items
}: TopicWindowCounts) => items;
const sorted = (rows: TopicWindowCounts[]) =>
  [...rows].sort((a, b) => `${a.kind}:${a.key}`.localeCompare(`${b.kind}:${b.key}`));
/**
 * Counts must match exactly; score sums within 5e-4. A batch's length groups decide each pass's padding, and
 * the two runs batch differently (crashes, two scorers), so a score can move in its last float bits: a
 * sum rounded to 4 decimals then lands on either side of a rounding edge (-3.9348 against -3.9349 in a CI
 * run), which an equality of rounded sums reported as a difference.
 */
function expectSameCounts(actual: TopicWindowCounts[], expected: TopicWindowCounts[]): void {
  const counts = (rows: TopicWindowCounts[]) =>
    sorted(rows).map((row) => ({ ...itemCounts(row), scoreSum: 0 }));
  expect(counts(actual)).toEqual(counts(expected));
  const expectedSums = sorted(expected).map((row) => row.scoreSum);
  sorted(actual).forEach((row, i) => {
    expect(row.scoreSum, `${row.kind}:${row.key}`).toBeCloseTo(expectedSums[i] ?? Number.NaN, 3);
  });
}
const everything = { fromMs: 0, toMs: Date.UTC(2100, 0) };

let server: Store;
let embeddedCounts: TopicWindowCounts[];

beforeAll(async () => {
  await Promise.all([ensureKafka(), ensureClickhouse()]);
  // The reference: the same stream through the embedded pipeline in one process.
  const dataDir = join(work, 'embedded');
  const embedded = await runCli(
    [
      'run',
      '--replay',
      `fixtures/streams/${stream}`,
      '--speed',
      'max',
      '--until-drained',
      '--json',
      '--no-web',
    ],
    { BELLWETHER_STORE_PATH: dataDir, BELLWETHER_LOG_LEVEL: 'warn' },
    300_000,
  );
  expect(embedded.code, embedded.stderr).toBe(0);
  const reference = createEmbeddedStore(
    { type: 'embedded', path: dataDir },
    { logger: silentLogger },
  );
  await reference.connect();
  embeddedCounts = await reference.topicCounts(everything);
  await reference.close();
  server = clickhouseTestStore(database);
  await server.connect();
}, 900_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await server?.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('ingest → two scorers → sink over Kafka into ClickHouse, as separate processes', () => {
  it('stores every item exactly once through a scorer crash, a sink crash and a poison message, with aggregates equal to the embedded run', async () => {
    const [scorerPort, sinkPort] = [await freePort(), await freePort()];
    const sink = stage(['sink']);
    const scorerA = stage(['score']);
    const scorerB = stage(['score'], scorerPort);
    await waitFor(
      () => consuming(sink) && consuming(scorerA) && consuming(scorerB),
      180_000,
      'stages consuming',
    );

    const probe = new KafkaBus(
      {
        brokers: KAFKA_BROKERS.split(','),
        clientId: `probe-${runId}`,
        partitions: 6,
        replicationFactor: 1,
        compression: 'none',
        sessionTimeoutMs: 10_000,
        ssl: false,
        topics: [],
      },
      silentLogger,
    );
    await probe.connect();
    const dead: BusMessage[] = [];
    await probe.subscribe(
      { topic: topics.dlq, group: `probe-${runId}`, maxBatchSize: 100, lingerMs: 50 },
      async (batch) => {
        dead.push(...batch);
      },
    );
    await probe.publish(topics.raw, [
      { key: 'poison', value: Buffer.from('{"id": 42, "title": ') },
    ]);

    // Paced replay (a day in ~45 s) so that the crash lands mid-stream.
    const replay = runCli(
      ['replay', `fixtures/streams/${stream}`, '--speed', '2000', '--json'],
      env,
      300_000,
    );
    await waitFor(async () => (await server.itemCount()) >= 300, 120_000, 'the first items stored');
    scorerA.kill('SIGKILL');
    // The sink dies too, and a new one takes over its group: its uncommitted batch is redelivered.
    await waitFor(async () => (await server.itemCount()) >= 600, 120_000, 'more items stored');
    sink.kill('SIGKILL');
    const newSink = stage(['sink'], sinkPort);
    const replayed = await replay;
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(JSON.parse(replayed.stdout).published).toBe(expectedItems);

    await waitFor(
      async () => (await server.itemCount()) >= expectedItems,
      240_000,
      'all items stored',
    );
    await waitFor(() => dead.length >= 1, 60_000, 'poison message in the DLQ');
    // Let redeliveries settle, then check nothing was counted twice.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await server.itemCount()).toBe(expectedItems);
    const distributedCounts = await server.topicCounts(everything);
    expectSameCounts(distributedCounts, embeddedCounts);
    // Which copy founds a story depends on arrival order, and two scorers interleave items differently
    // from one process: story counts are bounded per topic and close overall, not equal.
    for (const row of distributedCounts) {
      expect(row.stories).toBeGreaterThanOrEqual(1);
      expect(row.stories).toBeLessThanOrEqual(row.count);
      expect(row.negativeStories).toBeLessThanOrEqual(row.negatives);
    }
    const totalStories = (rows: TopicWindowCounts[]) =>
      rows.reduce((sum, row) => sum + (row.stories ?? row.count), 0);
    expect(
      Math.abs(totalStories(distributedCounts) - totalStories(embeddedCounts)),
    ).toBeLessThanOrEqual(0.05 * totalStories(embeddedCounts));

    expect(dead[0]?.key).toBe('poison');
    expect(dead[0]?.headers[DEAD_LETTER_HEADERS.error]).toMatch(/not JSON/);
    expect(dead[0]?.value.toString()).toBe('{"id": 42, "title": ');

    // Both groups have committed everything (the poison message included): each process reports its
    // group's lag as 0, which an absent gauge or one read off the wrong topic or group would not.
    let lags: (number | undefined)[] = [];
    await waitFor(
      async () => {
        lags = [await scrapedLag(scorerPort, 'score'), await scrapedLag(sinkPort, 'sink')];
        return lags.every((lag) => lag === 0);
      },
      60_000,
      'both groups to report no lag',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last scraped lags: ${JSON.stringify(lags)}`);
    });

    for (const child of [scorerB, newSink]) child.kill('SIGTERM');
    expect(await exited(scorerB)).toBe(0);
    expect(await exited(newSink)).toBe(0);
    await probe.close();
  }, 900_000);
});
