// Runs the Store contract on a real ClickHouse server (Debian's 18.16), started by deploy/clickhouse/clickhouse.sh when not up.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { runStoreContract } from '../../src/store/contract.ts';

const SCRIPT = fileURLToPath(new URL('../../deploy/clickhouse/clickhouse.sh', import.meta.url));
const URL_ = process.env.BELLWETHER_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DATABASE = process.env.BELLWETHER_CLICKHOUSE_TEST_DATABASE ?? 'bellwether_contract';

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

runStoreContract('clickhouse', async () =>
  createClickhouseStore(config(), { logger: silentLogger }),
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
