// The dashboard server over a real embedded store and real HTTP: JSON API answers, validation, static files, extra routes and the live event stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticShockTransitions, syntheticStream } from '../../test/support/synthetic-items.ts';
import type { AlertTransition } from '../core/alert.ts';
import { ManualClock } from '../core/clock.ts';
import { ServiceError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { Store, TopicMove } from '../core/store.ts';
import { createEmbeddedStore } from '../store/embedded/embedded-store.ts';
import type { HeadlineRow, Snapshot, Summary, TopicSeriesResponse } from './dashboard-types.ts';
import { startWebServer, type WebServer } from './server.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const END = Date.UTC(2026, 4, 5, 15, 0, 0);
const SHOCK = { ticker: 'XOM', fromMs: END - 60 * MIN, toMs: END };

const dir = mkdtempSync(join(tmpdir(), 'bellwether-web-'));
const clock = new ManualClock(END);
let store: Store;
let server: WebServer;
let items: ScoredItem[];

const mentions = (item: ScoredItem, kind: string, key: string): boolean =>
  item.topics.some((t) => t.kind === kind && t.key === key);

/** Every field any endpoint returns; each test reads the ones its endpoint has. */
interface ApiBody extends TopicSeriesResponse {
  error: { status: number; message: string };
  negative: TopicMove[];
  alerts: AlertTransition[];
  items: HeadlineRow[];
  topics: Array<{ kind: string; key: string; count: number }>;
}

async function get(path: string): Promise<{ status: number; body: ApiBody; type: string | null }> {
  const res = await fetch(`${server.url}${path}`);
  return {
    status: res.status,
    body: (await res.json()) as ApiBody,
    type: res.headers.get('content-type'),
  };
}

async function getText(
  path: string,
): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

beforeAll(async () => {
  store = createEmbeddedStore({ type: 'embedded', path: dir }, { logger: silentLogger });
  await store.connect();
  items = syntheticStream({ startMs: END - 8 * HOUR, endMs: END, gapMs: 30_000, shock: SHOCK });
  await store.writeScored(items);
  await store.appendAlertTransitions(
    syntheticShockTransitions('XOM', SHOCK.fromMs + 15 * MIN, SHOCK.fromMs + 25 * MIN),
  );
  server = await startWebServer({
    store,
    port: 0,
    logger: silentLogger,
    clock,
    snapshotIntervalMs: 100,
    extraRoutes: {
      '/metrics': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('bellwether_up 1\n');
      },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JSON API', () => {
  it('binds to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('returns a topic series with the counts that were written', async () => {
    const from = END - 2 * HOUR;
    const { status, body } = await get(
      `/api/v1/topics/ticker/XOM/series?from=${from}&to=${new Date(END).toISOString()}&bucket=15m`,
    );
    expect(status).toBe(200);
    expect(body.bucketMs).toBe(15 * MIN);
    expect(body.points).toHaveLength(8);
    const expected = items.filter(
      (i) => mentions(i, 'ticker', 'XOM') && Date.parse(i.publishedAt) >= from,
    );
    const total = body.points.reduce((n, p) => n + p.count, 0);
    expect(total).toBe(expected.length);
    const shock = body.points.filter((p) => Date.parse(p.t) >= SHOCK.fromMs);
    const calm = body.points.filter((p) => Date.parse(p.t) < SHOCK.fromMs);
    const share = (ps: Array<{ count: number; negatives: number }>) =>
      ps.reduce((n, p) => n + p.negatives, 0) / ps.reduce((n, p) => n + p.count, 0);
    expect(share(shock)).toBeGreaterThan(share(calm) + 0.3);
  });

  it('defaults the series window to the 6 hours before the clock', async () => {
    const { body } = await get('/api/v1/topics/sector/Energy/series');
    expect(body.to).toBe(new Date(END).toISOString());
    expect(body.from).toBe(new Date(END - 6 * HOUR).toISOString());
    expect(body.points.length).toBeGreaterThan(10);
  });

  it('lists movers with the shocked ticker most negative among tickers', async () => {
    const { status, body } = await get('/api/v1/movers?window=1h&limit=5');
    expect(status).toBe(200);
    expect(body.negative.length).toBeLessThanOrEqual(5);
    const firstTicker = body.negative.find((m) => m.kind === 'ticker');
    expect(firstTicker).toMatchObject({ key: 'XOM' });
    expect(firstTicker?.meanScoreChange).toBeLessThan(0);
    expect(body.negative.every((m) => m.kind !== 'source')).toBe(true);
  });

  it('returns alert transitions newest first', async () => {
    const { body } = await get('/api/v1/alerts?limit=10');
    expect(body.alerts.map((a) => a.to)).toEqual(['firing', 'pending']);
  });

  it('returns the latest items for a topic, newest first', async () => {
    const { body } = await get('/api/v1/items?kind=ticker&key=XOM&limit=5');
    expect(body.items).toHaveLength(5);
    const newest = items
      .filter((i) => mentions(i, 'ticker', 'XOM'))
      .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
      .slice(0, 5)
      .map((i) => i.id);
    expect(body.items.map((i) => i.id)).toEqual(newest);
    expect(body.items[0]).toMatchObject({ label: expect.any(String), score: expect.any(Number) });
  });

  it('issue 15.3 — shows a story with its copies, oldest first', async () => {
    const base = items[0];
    if (!base) throw new Error('the synthetic stream has items');
    const storyId = '0000000000c0f';
    const copies = [
      'Acme shares plunge as recall widens',
      'UPDATE 1-Acme shares plunge as recall widens',
    ];
    const written: ScoredItem[] = copies.map((title, i) => ({
      ...base,
      id: `story-copy-${i}`,
      title,
      topics: [],
      publishedAt: new Date(END - 7 * HOUR + i * MIN).toISOString(),
      story: { storyId, firstOfStory: i === 0, storyItems1h: i, storyItems24h: i },
    }));
    await store.writeScored(written);
    // Later checks count every stored item.
    items.push(...written);
    const { status, body } = await get(`/api/v1/stories/${storyId}`);
    expect(status).toBe(200);
    expect(body.items.map((i) => [i.id, i.title, i.story])).toEqual([
      ['story-copy-0', copies[0], { id: storyId, first: true, earlier24h: 0 }],
      ['story-copy-1', copies[1], { id: storyId, first: false, earlier24h: 1 }],
    ]);
    expect((await get('/api/v1/stories/0000000000fff')).body.items).toEqual([]);
    const bad = await get('/api/v1/stories/..%2Fx');
    expect(bad.status).toBe(400);
  });

  it('lists topics by volume and summarises the last hour', async () => {
    const topics = await get('/api/v1/topics?window=2h&limit=3');
    expect(topics.body.topics).toHaveLength(3);
    const counts = topics.body.topics.map((t) => t.count);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    const summary = { body: (await get('/api/v1/summary?window=1h')).body as unknown as Summary };
    const lastHour = items.filter((i) => Date.parse(i.publishedAt) >= END - HOUR);
    expect(summary.body.items).toBe(lastHour.length);
    expect(summary.body.negatives).toBe(lastHour.filter((i) => i.label === 'negative').length);
    expect(summary.body.firing).toBe(1);
    expect(summary.body.storedItems).toBe(items.length);
  });

  it('treats hostile topic keys as data', async () => {
    const key = encodeURIComponent("XOM' OR '1'='1");
    const { status, body } = await get(`/api/v1/topics/ticker/${key}/series?bucket=1h`);
    expect(status).toBe(200);
    expect(body.topic.key).toBe("XOM' OR '1'='1");
    expect(body.points.every((p) => p.count === 0)).toBe(true);
  });

  it.each([
    ['/api/v1/topics/planet/XOM/series', /kind|expected one of/i],
    ['/api/v1/topics/ticker/XOM/series?bucket=5x', /bucket: expected a duration/],
    ['/api/v1/topics/ticker/XOM/series?from=2026-05-05T10:00:00', /from: expected epoch/],
    [`/api/v1/topics/ticker/XOM/series?from=${END}&to=${END - HOUR}`, /from must be before to/],
    ['/api/v1/movers?window=1h&limit=0', /limit/],
    ['/api/v1/movers?windw=1h', /unknown parameter\(s\): windw/],
    ['/api/v1/items?kind=ticker', /kind and key go together/],
    ['/api/v1/alerts?limit=abc', /limit/],
    ['/api/v1/events?topic=nonsense', /topic/],
  ])('answers 400 with a clear message for %s', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.status).toBe(400);
    expect(body.error.message).toMatch(message);
  });

  it('answers 404 JSON for unknown routes and 405 for other methods', async () => {
    for (const path of ['/api/v1/nothing', '/nowhere', '/static/%2e%2e/package.json']) {
      const { status, body } = await get(path);
      expect(status).toBe(404);
      expect(body.error.message).toMatch(/no (API )?route/);
    }
    const res = await fetch(`${server.url}/api/v1/alerts`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});

describe('page and mounted routes', () => {
  it('serves the page, its script and uPlot from node_modules', async () => {
    const page = await getText('/');
    expect(page.type).toMatch(/text\/html/);
    expect(page.body).toContain('/static/app.js');
    // Everything loads from this server: no CDN.
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const uplot = await getText('/vendor/uplot.js');
    expect(uplot.status).toBe(200);
    expect(uplot.body).toContain('uPlot');
    expect((await getText('/vendor/uplot.css')).status).toBe(200);
    expect((await getText('/static/style.css')).type).toMatch(/text\/css/);
  });

  it('serves extra routes mounted by the pipeline', async () => {
    const { status, body } = await getText('/metrics');
    expect(status).toBe(200);
    expect(body).toBe('bellwether_up 1\n');
  });
});

/** Reads server-sent events from a fetch body until `done` accepts one (bounded by a deadline). */
async function readEvents(
  path: string,
  done: (snapshot: Snapshot, index: number) => boolean,
  onEvent?: (snapshot: Snapshot, index: number) => Promise<void>,
  timeoutMs = 10_000,
): Promise<Snapshot[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(`${server.url}${path}`, { signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (reader === undefined) throw new Error('no body');
  const seen: Snapshot[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (!block.startsWith('event: snapshot')) continue;
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        const snapshot = JSON.parse(data?.slice(6) ?? 'null') as Snapshot;
        seen.push(snapshot);
        if (done(snapshot, seen.length - 1)) return seen;
        await onEvent?.(snapshot, seen.length - 1);
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

describe('event stream', () => {
  it('sends snapshots that follow new items and alert transitions live', async () => {
    const later = END + 10 * MIN;
    const fresh = syntheticStream({
      startMs: END + MIN,
      endMs: later,
      gapMs: 20_000,
      shock: { ticker: 'XOM', fromMs: END, toMs: later },
      seed: 99,
    });
    const resolved = syntheticShockTransitions('XOM', 0, 0, later - MIN).slice(2);
    let wrote = false;
    const snapshots = await readEvents(
      '/api/v1/events?topic=ticker:XOM&topic=sector:Energy&window=2h&bucket=10m',
      (s) => wrote && s.newAlerts.some((a) => a.to === 'resolved'),
      async (s, i) => {
        if (i === 0) {
          expect(s.series.map((x) => `${x.topic.kind}:${x.topic.key}`)).toEqual([
            'ticker:XOM',
            'sector:Energy',
          ]);
          expect(s.newAlerts).toHaveLength(2);
          expect(s.items.length).toBeGreaterThan(0);
          // The replay moves on: new items, a resolved alert, and the stream clock advances.
          await store.writeScored(fresh);
          await store.appendAlertTransitions(resolved);
          clock.set(later);
          wrote = true;
        }
      },
    );
    const first = snapshots[0];
    const last = snapshots.at(-1);
    expect(first?.at).toBe(new Date(END).toISOString());
    expect(last?.at).toBe(new Date(later).toISOString());
    expect(last?.newAlerts.map((a) => a.to)).toEqual(['resolved']);
    expect(last?.summary.firing).toBe(0);
    const newest = [...fresh].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
    expect(last?.items[0]?.id).toBe(newest[0]?.id);
    // The chart's window moved with the clock and counts the new items.
    expect(last?.series[0]?.to).toBe(new Date(later).toISOString());
    const xomInWindow = [...items, ...fresh].filter(
      (i) => mentions(i, 'ticker', 'XOM') && Date.parse(i.publishedAt) >= later - 2 * HOUR,
    );
    expect(last?.series[0]?.points.reduce((n, p) => n + p.count, 0)).toBe(xomInWindow.length);
  });
});

describe('shutdown', () => {
  it('close() ends open event streams at once', async () => {
    const other = await startWebServer({ store, port: 0, logger: silentLogger, clock });
    const res = await fetch(`${other.url}/api/v1/events`);
    const reader = res.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    const started = Date.now();
    await other.close();
    // Drain: the stream must end (done, or an abort error), not hang.
    const ended = await (async () => {
      try {
        for (let i = 0; i < 100; i++) if ((await reader?.read())?.done) return true;
        return false;
      } catch {
        return true;
      }
    })();
    expect(ended).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(fetch(`${other.url}/api/v1/alerts`)).rejects.toThrow();
  });
});

describe('store failures', () => {
  it('answers 500 without details, and tells open streams, while the store fails', async () => {
    let failing = false;
    // The real store, except that currentModelVersion() and topMovers() fail while `failing` is set.
    const flaky = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (
          (name === 'currentModelVersion' || name === 'topMovers') &&
          typeof value === 'function'
        ) {
          // A driver-level failure (500) and an outage the adapter marks retriable (503).
          const failure =
            name === 'currentModelVersion'
              ? new Error('secret connection string')
              : new ServiceError('store', 'secret host unreachable');
          return (...args: unknown[]) =>
            failing ? Promise.reject(failure) : value.apply(target, args);
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const other = await startWebServer({
      store: flaky,
      port: 0,
      logger: silentLogger,
      clock,
      snapshotIntervalMs: 100,
    });
    try {
      failing = true;
      const res = await fetch(`${other.url}/api/v1/summary`);
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).toContain('internal error');
      expect(body).not.toContain('secret');
      const outage = await fetch(`${other.url}/api/v1/movers`);
      expect(outage.status).toBe(503);
      expect(await outage.text()).not.toContain('secret');

      const controller = new AbortController();
      const stream = await fetch(`${other.url}/api/v1/events`, { signal: controller.signal });
      const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      for (let i = 0; i < 50 && !text.includes('event: problem'); i++) {
        text += (await reader?.read())?.value ?? '';
      }
      expect(text).toContain('event: problem');
      // Recovery: the next tick after the store is back brings a snapshot.
      failing = false;
      for (let i = 0; i < 50 && !text.includes('event: snapshot'); i++) {
        text += (await reader?.read())?.value ?? '';
      }
      expect(text).toContain('event: snapshot');
      controller.abort();
    } finally {
      await other.close();
    }
  });
});

describe('event stream cache', () => {
  it('recomputes a snapshot only when data or the clock minute changes', async () => {
    const calls = { topMovers: 0, topicSeries: 0 };
    const counting = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (name === 'topMovers' || name === 'topicSeries') calls[name]++;
          return value.apply(target, args);
        };
      },
    });
    const idleClock = new ManualClock(clock.now());
    const other = await startWebServer({
      store: counting,
      port: 0,
      logger: silentLogger,
      clock: idleClock,
      snapshotIntervalMs: 50,
    });
    try {
      const controller = new AbortController();
      const res = await fetch(`${other.url}/api/v1/events?topic=ticker:MSFT`, {
        signal: controller.signal,
      });
      const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
      const snapshots = async (n: number): Promise<void> => {
        let seen = 0;
        for (let i = 0; i < 500 && seen < n; i++) {
          const chunk = (await reader?.read())?.value ?? '';
          seen += chunk.split('event: snapshot').length - 1;
        }
      };
      await snapshots(4);
      expect(calls).toEqual({ topMovers: 1, topicSeries: 1 });
      // A new minute on the clock: windows move, so the snapshot is computed again.
      idleClock.advance(60_000);
      await snapshots(3);
      expect(calls).toEqual({ topMovers: 2, topicSeries: 2 });
      // New data in the same minute: computed again too.
      await store.writeScored(
        syntheticStream({
          startMs: idleClock.now() - 30_000,
          endMs: idleClock.now(),
          gapMs: 5_000,
          seed: 5,
        }),
      );
      await snapshots(3);
      expect(calls).toEqual({ topMovers: 3, topicSeries: 3 });
      controller.abort();
    } finally {
      await other.close();
    }
  });
});

describe('the dashboard refuses a rebound DNS name (Host check)', () => {
  /** A raw request, so the Host header is exactly what the test says (fetch sets its own). */
  const getWithHost = (path: string, host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path, headers: { host } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('answers 403 to a Host that does not name the bound address, on the API and the page', async () => {
    expect(await getWithHost('/api/v1/summary', `evil.example:${server.port}`)).toBe(403);
    expect(await getWithHost('/', `evil.example:${server.port}`)).toBe(403);
    expect(await getWithHost('/api/v1/summary', `127.0.0.1:${server.port + 1}`)).toBe(403);
  });

  it('serves the loopback names a local browser uses', async () => {
    expect(await getWithHost('/api/v1/summary', `127.0.0.1:${server.port}`)).toBe(200);
    expect(await getWithHost('/api/v1/summary', `localhost:${server.port}`)).toBe(200);
  });
});
