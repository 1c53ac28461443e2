// The server store when its ClickHouse URL carries credentials and the server cannot be reached.
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/capture-logger.ts';
import { freePort } from '../../../test/support/metrics-scrape.ts';
import { describeError } from '../../core/errors.ts';
import { createClickhouseStore } from './clickhouse-store.ts';

describe('issue 14.14 — a ClickHouse URL with user:pass@ never appears in errors, health or logs', () => {
  it('a server that refuses the connection', async () => {
    const port = await freePort();
    const { logger, lines } = captureLogger();
    const store = createClickhouseStore(
      {
        type: 'clickhouse',
        url: `http://CHUSER:CHPASS@127.0.0.1:${port}/?http_header_X-Token=CHTOKEN`,
        username: 'default',
        password: '',
        database: 'bellwether',
        requestTimeoutMs: 5_000,
      },
      { logger },
    );
    const error = await store.connect().catch((e: unknown) => e);
    const health = await store.healthcheck();
    await store.close();

    expect(describeError(error)).toMatch(/ECONNREFUSED/);
    expect(health.ok).toBe(false);
    const output = `${describeError(error)}\n${health.detail}\n${JSON.stringify(lines)}`;
    for (const secret of ['CHUSER', 'CHPASS', 'CHTOKEN']) expect(output).not.toContain(secret);
    expect(output).toContain(`http://***@127.0.0.1:${port}/…`);
  });
});
