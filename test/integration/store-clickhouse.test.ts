// Runs the Store contract on a real ClickHouse server (Debian's 18.16), started by deploy/clickhouse/clickhouse.sh when not up.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { ScoredItem } from '../../src/core/news.ts';
import { ClickhouseEngine } from '../../src/store/clickhouse/clickhouse-engine.ts';
import { createClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { runCrashBetweenInsertsContract } from '../contracts/crash-between-inserts-contract.ts';
import { runEntityStoreContract } from '../contracts/entity-store-contract.ts';
import { runRollupMigrationContract } from '../contracts/rollup-migration-contract.ts';
import { runStoreContract } from '../contracts/store-contract.ts';

const SCRIPT = fileURLToPath(new URL('../../deploy/clickhouse/clickhouse.sh', import.meta.url));
const URL_ = process.env.BELLWETHER_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DATABASE = process.env.BELLWETHER_CLICKHOUSE_TEST_DATABASE ?? 'bellwether_contract';
const SERVER_DIR =
  process.env.BELLWETHER_CLICKHOUSE_DIR ??
  join(process.env.TMPDIR ?? tmpdir(), 'bellwether-clickhouse');
/** Only a server this script started (it has our pid file) may be stopped and restarted by a test. */
const ownServer = () => existsSync(join(SERVER_DIR, 'clickhouse.pid'));

async function pingOk(): Promise<boolean> {
  try {
    const res = await fetch(`${URL_}/ping`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (await pingOk()) return;
  execFileSync(SCRIPT, ['start'], { stdio: 'inherit', timeout: 280_000 });
  expect(await pingOk()).toBe(true);
});

const config = (overrides: Partial<{ url: string; database: string }> = {}) => ({
  type: 'clickhouse' as const,
  url: URL_,
  username: 'default',
  password: '',
  database: DATABASE,
  requestTimeoutMs: 30_000,
  ...overrides,
});

const makeStore = async () => createClickhouseStore(config(), { logger: silentLogger });
runStoreContract('clickhouse', makeStore);
runEntityStoreContract('clickhouse', makeStore);
runCrashBetweenInsertsContract('clickhouse', () => new ClickhouseEngine(config()));

// The migration needs a database with no schema yet: one of its own, dropped afterwards.
const MIGRATION_DATABASE = `bellwether_migration_${Date.now().toString(36)}`;
afterAll(async () => {
  await fetch(URL_, { method: 'POST', body: `DROP DATABASE IF EXISTS ${MIGRATION_DATABASE}` });
});
runRollupMigrationContract(
  'clickhouse',
  () => new ClickhouseEngine(config({ database: MIGRATION_DATABASE })),
);

describe('clickhouse store: server specifics', () => {
  it('names the server version and binds parameters client-side only on servers without them', async () => {
    const store = createClickhouseStore(config(), { logger: silentLogger });
    await store.connect();
    const { detail } = await store.healthcheck();
    await store.close();
    const version = /ClickHouse (\d+)\.\d+/.exec(detail);
    expect(version).not.toBeNull();
    const major = Number(version?.[1]);
    expect(detail).toContain(major < 19 ? 'client-side parameters' : 'server-side parameters');
  });

  it('fails writes retriably while the server is down and writes once it is back', async (ctx) => {
    if (!ownServer()) ctx.skip();
    const store = createClickhouseStore(config(), { logger: silentLogger });
    await store.connect();
    const item: ScoredItem = {
      id: `outage-${Date.now()}`,
      source: 'integration',
      title: 'Server outage probe',
      publishedAt: new Date().toISOString(),
      fetchedAt: new Date().toISOString(),
      modelVersion: 'integration-outage',
      label: 'negative',
      probs: { negative: 0.9, neutral: 0.05, positive: 0.05 },
      score: -0.85,
      topics: [{ kind: 'ticker', key: 'OUT' }],
      scoredAt: new Date().toISOString(),
    };
    try {
      execFileSync(SCRIPT, ['stop'], { stdio: 'inherit', timeout: 60_000 });
      const error = await store.writeScored([item]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).retriable).toBe(true);
      expect((await store.healthcheck()).ok).toBe(false);
    } finally {
      execFileSync(SCRIPT, ['start'], { stdio: 'inherit', timeout: 120_000 });
    }
    expect(await store.writeScored([item])).toEqual({ inserted: 1, duplicates: 0 });
    expect(await store.writeScored([item])).toEqual({ inserted: 0, duplicates: 1 });
    await store.close();
  });

  it('reports an unreachable server as a retriable ServiceError', async () => {
    const store = createClickhouseStore(config({ url: 'http://127.0.0.1:1' }), {
      logger: silentLogger,
    });
    const error = await store.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).retriable).toBe(true);
    expect((await store.healthcheck()).ok).toBe(false);
    await store.close();
  });
});
