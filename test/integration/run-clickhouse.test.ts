// `bellwether run --store clickhouse` on the ClickHouse server: a replay stores every manifest item once, and
// replaying the same stream again leaves every count and aggregate unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicWindowCounts } from '../../src/core/rollup.ts';
import type { Store } from '../../src/core/store.ts';
import type { RunSummary } from '../../src/pipeline/pipeline.ts';
import { repoRoot, runCli } from '../support/cli.ts';
import { CLICKHOUSE_URL, clickhouseTestStore, ensureClickhouse } from '../support/services.ts';

const stream = 'shock-ba';
const expectedItems = (
  JSON.parse(readFileSync(join(repoRoot, 'fixtures/streams', stream, 'manifest.json'), 'utf8')) as {
    expected: { items: number };
  }
).expected.items;
const database = `run_${Date.now().toString(36)}`;
const env = {
  BELLWETHER_STORE: 'clickhouse',
  BELLWETHER_CLICKHOUSE_URL: CLICKHOUSE_URL,
  BELLWETHER_CLICKHOUSE_DATABASE: database,
};
const args = [
  'run',
  '--replay',
  `fixtures/streams/${stream}`,
  '--speed',
  'max',
  '--until-drained',
  '--json',
  '--no-web',
];
const everything = { fromMs: 0, toMs: Date.UTC(2100, 0) };
const sorted = (rows: TopicWindowCounts[]) =>
  [...rows].sort((a, b) => `${a.kind}:${a.key}`.localeCompare(`${b.kind}:${b.key}`));

let store: Store;
beforeAll(async () => {
  await ensureClickhouse();
  store = clickhouseTestStore(database);
}, 300_000);
afterAll(async () => {
  await store?.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await store?.close();
});

async function replay(): Promise<RunSummary> {
  const result = await runCli(args, env, 300_000);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as RunSummary;
}

describe('bellwether run on the ClickHouse server', () => {
  it('stores a replay once, and a second replay changes no count or aggregate', async () => {
    const first = await replay();
    expect(first).toMatchObject({ stored: expectedItems, inserted: expectedItems, dlq: 0 });
    await store.connect();
    const before = {
      items: await store.itemCount(),
      counts: sorted(await store.topicCounts(everything)),
    };
    expect(before.items).toBe(expectedItems);
    expect(first.alerts.some((alert) => alert.topic.key === 'BA')).toBe(true);

    const second = await replay();
    expect(second).toMatchObject({ stored: expectedItems, inserted: 0, duplicates: expectedItems });
    expect(await store.itemCount()).toBe(expectedItems);
    expect(sorted(await store.topicCounts(everything))).toEqual(before.counts);
  }, 700_000);
});
