// The dashboard's "Alerts firing" figure against its alert feed: a real embedded store, real HTTP and the live event stream.
import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fileEmbeddedStore } from '../../test/support/embedded-store.ts';
import { syntheticShockTransitions } from '../../test/support/synthetic-items.ts';
import type { AlertTransition } from '../core/alert.ts';
import { ManualClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import type { Store } from '../core/store.ts';
import { countFiring, createApi } from './api.ts';
import type { Snapshot } from './dashboard-types.ts';
import { EventHub } from './event-hub.ts';

const MIN = 60_000;
const END = Date.UTC(2026, 4, 5, 15, 0, 0);

const fileStore = fileEmbeddedStore('bellwether-firing-count-');

/**
 * The real store, with another writer's commit scheduled between two reads of the alerts table: the
 * first read returns what was there, then `between` is appended, then the second read runs.
 */
function storeWithWriteBetweenReads(real: Store, between: AlertTransition[]): Store {
  let appended: Promise<void> | undefined;
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'alertTransitions') return Reflect.get(target, prop, receiver);
      return async (query: Parameters<Store['alertTransitions']>[0]) => {
        if (appended === undefined) {
          let release = (): void => {};
          appended = new Promise((resolve) => {
            release = resolve;
          });
          const rows = await target.alertTransitions(query);
          await target.appendAlertTransitions(between);
          release();
          return rows;
        }
        await appended;
        return target.alertTransitions(query);
      };
    },
  });
}

async function firstSnapshot(hub: EventHub): Promise<Snapshot> {
  const server: Server = createServer((req, res) => {
    hub.attach(req, res, new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const controller = new AbortController();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events?window=1h`, {
      signal: controller.signal,
    });
    const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const start = buffer.indexOf('event: snapshot');
      const end = start >= 0 ? buffer.indexOf('\n\n', start) : -1;
      if (end >= 0) {
        const data = buffer
          .slice(start, end)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        return JSON.parse(data?.slice(6) ?? 'null') as Snapshot;
      }
      const chunk = await reader?.read();
      if (!chunk || chunk.done) throw new Error('the event stream ended before a snapshot');
      buffer += chunk.value;
    }
  } finally {
    controller.abort();
    hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the firing count agrees with the alert feed', () => {
  it('counts an instance that is recovering: it still fires until keepFiringFor ends', () => {
    const [pending, firing] = syntheticShockTransitions('TSLA', END - 10 * MIN, END - 5 * MIN);
    if (!pending || !firing) throw new Error('the synthetic shock has pending and firing');
    const recovering: AlertTransition = { ...firing, at: new Date(END).toISOString() };
    recovering.from = 'firing';
    recovering.to = 'recovering';
    expect(countFiring([recovering, firing, pending])).toBe(1);
    const resolved: AlertTransition = { ...recovering, from: 'recovering', to: 'resolved' };
    expect(countFiring([resolved, recovering, firing, pending])).toBe(0);
  });

  it('a snapshot counts the firing line it shows, even when a transition lands between its reads', async () => {
    const [pending, firing] = syntheticShockTransitions('TSLA', END - 3 * MIN, END - MIN);
    if (!pending || !firing) throw new Error('the synthetic shock has pending and firing');
    const store = fileStore();
    await store.appendAlertTransitions([pending]);
    const clock = new ManualClock(END);
    const hub = new EventHub({
      api: createApi(storeWithWriteBetweenReads(store, [firing]), clock),
      clock,
      logger: silentLogger,
      intervalMs: 50,
    });
    const snapshot = await firstSnapshot(hub);
    expect(snapshot.summary.firing).toBe(countFiring(snapshot.alerts));
  });
});
