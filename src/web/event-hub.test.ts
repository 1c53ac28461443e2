// The event hub under slow readers: real sockets that stop reading, against a real server on 127.0.0.1 over the embedded store.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_COMPANIES, syntheticStream } from '../../test/support/synthetic-items.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import { createApi } from './api.ts';
import { EventHub } from './event-hub.ts';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 4, 5, 15, 0, 0);
/** Six charted topics at one-minute buckets over six hours: snapshots of a few hundred kB, as a busy page has. */
const EVENTS_PATH = `/api/v1/events?window=6h&bucket=1m&${SYNTHETIC_COMPANIES.slice(0, 6)
  .map((c) => `topic=ticker:${c.ticker}`)
  .join('&')}`;
const SLOW_CLIENTS = 4;

const dir = mkdtempSync(join(tmpdir(), 'bellwether-event-hub-'));
let store: Store;

beforeAll(async () => {
  store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  await store.connect();
  await store.writeScored(syntheticStream({ startMs: END - 6 * HOUR, endMs: END, gapMs: 5_000 }));
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client that sends its request and never reads a byte of the answer. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(`GET ${EVENTS_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('issue 14.12 — event streams to clients that stop reading stay bounded', () => {
  it('drops stalled clients with a counter, keeps what the server buffers bounded, and keeps serving the reader', async () => {
    const registry = new Registry();
    const dropped = new Counter({
      name: 'test_event_streams_dropped_total',
      help: 'dropped',
      registers: [registry],
    });
    const hub = new EventHub({
      api: createApi(store, new ManualClock(END)),
      clock: new ManualClock(END),
      logger: silentLogger,
      intervalMs: 20,
      dropped,
    });
    const responses: ServerResponse[] = [];
    const server: Server = createServer((req, res) => {
      responses.push(res);
      hub.attach(req, res, new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const controller = new AbortController();
    const stalled: Socket[] = [];
    try {
      const reader = (
        await fetch(`http://127.0.0.1:${port}${EVENTS_PATH}`, { signal: controller.signal })
      ).body
        ?.pipeThrough(new TextDecoderStream())
        .getReader();
      let received = '';
      const readSnapshot = async (): Promise<number> => {
        for (;;) {
          const end = received.indexOf('\n\n', received.indexOf('event: snapshot'));
          if (received.includes('event: snapshot') && end >= 0) {
            const size = end - received.indexOf('event: snapshot');
            received = received.slice(end + 2);
            return size;
          }
          const chunk = await reader?.read();
          if (!chunk || chunk.done) throw new Error('the reading client lost its stream');
          received += chunk.value;
        }
      };
      const snapshotBytes = await readSnapshot();
      expect(snapshotBytes).toBeGreaterThan(100_000);

      for (let i = 0; i < SLOW_CLIENTS; i++) stalled.push(await stalledClient(port));
      const buffered = () =>
        responses.reduce((sum, res) => sum + (res.destroyed ? 0 : res.writableLength), 0);
      // Each connection may hold what the socket took before it filled, plus at most one event.
      const bound = SLOW_CLIENTS * (snapshotBytes + 2 * 65_536);
      let peak = 0;
      const deadline = Date.now() + 10_000;
      while (
        Date.now() < deadline &&
        peak <= bound &&
        (await dropped.get()).values[0]?.value !== SLOW_CLIENTS
      ) {
        peak = Math.max(peak, buffered());
        // The reader keeps reading all along, so only the stalled clients fall behind.
        await readSnapshot();
      }
      peak = Math.max(peak, buffered());
      expect(peak).toBeLessThanOrEqual(bound);
      expect((await dropped.get()).values[0]?.value).toBe(SLOW_CLIENTS);
      expect(buffered()).toBeLessThan(snapshotBytes + 65_536);
      // The reader still gets fresh snapshots once the stalled clients are gone.
      expect(await readSnapshot()).toBeGreaterThan(100_000);
    } finally {
      controller.abort();
      for (const socket of stalled) socket.destroy();
      hub.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
