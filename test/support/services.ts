/** Starts the real services integration tests need (via the deploy/ scripts) when they are not already up. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { silentLogger } from '../../src/core/logger.ts';
import type { Store } from '../../src/core/store.ts';
import { createClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.ts';
import { repoRoot } from './cli.ts';

const run = promisify(execFile);

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

export const CLICKHOUSE_URL = process.env.BELLWETHER_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
export const KAFKA_BROKERS = process.env.BELLWETHER_KAFKA_BROKERS ?? '127.0.0.1:9092';

export async function ensureClickhouse(): Promise<void> {
  if (await answers(`${CLICKHOUSE_URL}/ping`)) return;
  await run('bash', ['deploy/clickhouse/clickhouse.sh', 'start'], {
    cwd: repoRoot,
    timeout: 280_000,
  });
}

/** `kafka.sh start` is a no-op when the broker runs; it fetches the broker on first use. */
export async function ensureKafka(): Promise<void> {
  await run('bash', ['deploy/kafka/kafka.sh', 'start'], { cwd: repoRoot, timeout: 600_000 });
}

/** A store on the test ClickHouse server, in its own database (not connected yet). */
export function clickhouseTestStore(database: string): Store {
  return createClickhouseStore(
    {
      type: 'clickhouse',
      url: CLICKHOUSE_URL,
      username: 'default',
      password: '',
      database,
      requestTimeoutMs: 30_000,
    },
    { logger: silentLogger },
  );
}
