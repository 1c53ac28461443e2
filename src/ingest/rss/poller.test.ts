// The RSS/Atom poller against a real local HTTP server: conditional requests, charsets, dedup across polls,
// failure isolation with backoff, no overlapping polls, timeouts, and the node-cron driven schedule.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/capture-logger.ts';
import { freePort } from '../../../test/support/metrics-scrape.ts';
import { MemoryBus } from '../../bus/memory/memory-bus.ts';
import { type FeedConfig, ingestConfigSchema } from '../../config/ingest.ts';
import { ManualClock } from '../../core/clock.ts';
import { decodeNewsItem } from '../../core/codec.ts';
import { type Logger, silentLogger } from '../../core/logger.ts';
import type { NewsItem } from '../../core/news.ts';
import { startLiveSources } from '../live-sources.ts';
import { FeedPoller } from './feed-poller.ts';
import { PollScheduler } from './poll-scheduler.ts';

interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Answers 304 when the request carries this ETag. */
  etag?: string;
  delayMs?: number;
}

let server: Server;
let base: string;
const routes = new Map<string, Route>();
const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

beforeEach(async () => {
  routes.clear();
  requests.length = 0;
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const route = routes.get(path);
    const answer = () => {
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      if (route.etag && req.headers['if-none-match'] === route.etag) {
        res.writeHead(304).end();
        return;
      }
      res.writeHead(route.status ?? 200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        ...(route.etag ? { etag: route.etag } : {}),
        ...route.headers,
      });
      res.end(route.body ?? '');
    };
    if (route?.delayMs) setTimeout(answer, route.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const rss = (...titles: string[]) =>
  `<rss version="2.0"><channel><title>t</title>${titles
    .map(
      (t, i) =>
        `<item><guid>${t}</guid><title>${t} ${i}</title><pubDate>Mon, 01 Jan 2024 10:0${i}:00 GMT</pubDate></item>`,
    )
    .join('')}</channel></rss>`;

const pollConfig = ingestConfigSchema.parse({}).poll;

function feed(name: string, overrides: Partial<FeedConfig> = {}): FeedConfig {
  return {
    name,
    url: `${base}/${name}`,
    intervalSec: 60,
    jitterPct: 0,
    timeoutMs: 2_000,
    ...overrides,
  };
}

async function withBus<T>(fn: (bus: MemoryBus, received: NewsItem[]) => Promise<T>): Promise<T> {
  const bus = new MemoryBus({ partitions: 1, capacity: 1_000 }, silentLogger);
  await bus.connect();
  const received: NewsItem[] = [];
  const sub = await bus.subscribe(
    { topic: 'news.raw', group: 't', maxBatchSize: 100, lingerMs: 0 },
    async (batch) => {
      received.push(...batch.map((m) => decodeNewsItem(m.value)));
    },
  );
  try {
    return await fn(bus, received);
  } finally {
    await sub.close();
    await bus.close();
  }
}

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line).msg) },
  );
  return { logger, lines };
}

describe('FeedPoller', () => {
  it('sends the validators of the last response and does nothing on 304', async () => {
    routes.set('/wire', {
      body: rss('a', 'b'),
      etag: '"v1"',
      headers: { 'last-modified': 'Mon, 01 Jan 2024 11:00:00 GMT' },
    });
    await withBus(async (bus, received) => {
      const poller = new FeedPoller(feed('wire'), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      expect(await poller.poll()).toMatchObject({ status: 'ok', published: 2 });
      expect(requests[0]?.headers['if-none-match']).toBeUndefined();
      expect(await poller.poll()).toEqual({ status: 'not-modified' });
      expect(requests[1]?.headers['if-none-match']).toBe('"v1"');
      expect(requests[1]?.headers['if-modified-since']).toBe('Mon, 01 Jan 2024 11:00:00 GMT');
      await until(() => received.length === 2, 'two items');
      expect(received.map((i) => i.source)).toEqual(['wire', 'wire']);
    });
  });

  it('publishes only items not seen in earlier polls', async () => {
    routes.set('/wire', { body: rss('a', 'b') });
    await withBus(async (bus, received) => {
      const poller = new FeedPoller(feed('wire'), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      await poller.poll();
      routes.set('/wire', { body: rss('c', 'a', 'b', 'c') });
      expect(await poller.poll()).toMatchObject({ status: 'ok', published: 1, seen: 3 });
      await until(() => received.length === 3, 'three items');
      expect(received.map((i) => i.id)).toEqual(['g2:wire:a', 'g2:wire:b', 'g2:wire:c']);
    });
  });

  it('decodes the charset named in the Content-Type header', async () => {
    const body = Buffer.concat([
      Buffer.from(
        '<rss version="2.0"><channel><item><guid>x</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><title>',
      ),
      iconv.encode('Société Générale chute de 5 %', 'windows-1252'),
      Buffer.from('</title></item></channel></rss>'),
    ]);
    routes.set('/fr', { body, headers: { 'content-type': 'text/xml; charset=ISO-8859-1' } });
    await withBus(async (bus, received) => {
      const poller = new FeedPoller(feed('fr'), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      expect(await poller.poll()).toMatchObject({ status: 'ok', published: 1, problems: [] });
      await until(() => received.length === 1, 'the item');
      expect(received[0]?.title).toBe('Société Générale chute de 5 %');
    });
  });

  it('treats an error page served with 200 as a failed poll', async () => {
    routes.set('/html', {
      body: '<html><body>Maintenance</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    await withBus(async (bus) => {
      const poller = new FeedPoller(feed('html'), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      await expect(poller.poll()).rejects.toThrow(/unreadable body: not an RSS or Atom document/);
    });
  });

  it('gives up on a feed that does not answer within its timeout', async () => {
    routes.set('/slow', { body: rss('a'), delayMs: 2_000 });
    await withBus(async (bus) => {
      const poller = new FeedPoller(feed('slow', { timeoutMs: 150 }), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      await expect(poller.poll()).rejects.toThrow(/timed out after 150 ms/);
    });
  });
});

describe('PollScheduler', () => {
  it('isolates a failing feed, backs it off exponentially with a cap, and logs when it retries', async () => {
    routes.set('/good', { body: rss('g1') });
    routes.set('/bad', { status: 503, body: 'down' });
    const clock = new ManualClock(1_000_000);
    const { logger, lines } = capturingLogger();
    await withBus(async (bus, received) => {
      const deps = {
        bus,
        topic: 'news.raw',
        poll: { ...pollConfig, backoffInitialSec: 30, backoffMaxSec: 100 },
        clock,
      };
      const scheduler = new PollScheduler(
        [new FeedPoller(feed('bad'), deps), new FeedPoller(feed('good'), deps)],
        {
          poll: deps.poll,
          clock,
          logger,
          random: () => 0,
        },
      );
      await Promise.all(scheduler.tick());
      await until(() => received.length === 1, 'the good feed item');
      const [bad, good] = scheduler.status();
      expect(good).toMatchObject({
        consecutiveFailures: 0,
        published: 1,
        nextDueAt: clock.now() + 60_000,
      });
      expect(bad).toMatchObject({
        consecutiveFailures: 1,
        lastError: 'HTTP 503',
        nextDueAt: clock.now() + 30_000,
      });
      expect(lines).toContain('feed bad: HTTP 503, retrying in 30s');

      const delays: number[] = [];
      for (let i = 0; i < 3; i++) {
        clock.set(scheduler.status()[0]?.nextDueAt ?? 0);
        await Promise.all(scheduler.tick());
        delays.push((scheduler.status()[0]?.nextDueAt ?? 0) - clock.now());
      }
      expect(delays).toEqual([60_000, 100_000, 100_000]);
      expect(lines).toContain('feed bad: HTTP 503, retrying in 1m40s');

      routes.set('/bad', { body: rss('b1') });
      clock.set(scheduler.status()[0]?.nextDueAt ?? 0);
      await Promise.all(scheduler.tick());
      expect(scheduler.status()[0]).toMatchObject({ consecutiveFailures: 0, lastError: undefined });
      expect(lines).toContain('feed bad: recovered after 4 failed poll(s)');
      await until(() => received.length === 2, 'the recovered feed item');
      await scheduler.stop();
    });
  });

  it('honours Retry-After and never runs the same feed twice at once', async () => {
    routes.set('/busy', { status: 429, headers: { 'retry-after': '90' } });
    routes.set('/slow', { body: rss('s'), delayMs: 300 });
    const clock = new ManualClock(0);
    await withBus(async (bus) => {
      const deps = { bus, topic: 'news.raw', poll: pollConfig, clock };
      const scheduler = new PollScheduler(
        [new FeedPoller(feed('busy'), deps), new FeedPoller(feed('slow'), deps)],
        {
          poll: pollConfig,
          clock,
          logger: silentLogger,
          random: () => 0,
        },
      );
      const first = scheduler.tick();
      expect(first).toHaveLength(2);
      // The slow feed is still in flight: a tick, even long past its due time, must not start it again.
      clock.advance(3_600_000);
      const second = scheduler.tick();
      await Promise.all([...first, ...second]);
      expect(requests.filter((r) => r.path === '/slow')).toHaveLength(1);
      const busy = scheduler.status()[0];
      expect((busy?.nextDueAt ?? 0) - 3_600_000).toBe(90_000);
      await scheduler.stop();
    });
  });

  it('polls on its own once started (node-cron tick) and stops cleanly', async () => {
    routes.set('/wire', { body: rss('a', 'b', 'c') });
    await withBus(async (bus, received) => {
      // Time stands still until start() has run, so however slow the machine, the start-up tick sees the
      // first poll not yet due (10% jitter of 10 s at random 0.5 = 0.5 s) and only a later cron tick takes it.
      let frozenAt: number | undefined = Date.now();
      const clock = { now: () => frozenAt ?? Date.now() };
      const deps = { bus, topic: 'news.raw', poll: pollConfig, clock };
      const scheduler = new PollScheduler(
        [new FeedPoller(feed('wire', { intervalSec: 10, jitterPct: 10 }), deps)],
        { poll: pollConfig, clock, logger: silentLogger, random: () => 0.5 },
      );
      scheduler.start();
      expect(scheduler.status()[0]?.polls).toBe(0);
      frozenAt = undefined;
      await until(() => received.length === 3, 'the first poll');
      await scheduler.stop();
      expect(scheduler.status()[0]).toMatchObject({ polls: 1, published: 3, running: false });
    });
  });
});

describe('issue 14 (Also) — a Retry-After longer than backoffMaxSec is honoured, not silently shortened', () => {
  it('waits as long as a 429 or 503 asks, up to a day, and says so in the log', async () => {
    routes.set('/busy', { status: 429, headers: { 'retry-after': '7200' } });
    routes.set('/away', { status: 503, headers: { 'retry-after': String(7 * 86_400) } });
    const clock = new ManualClock(0);
    const { logger, lines } = capturingLogger();
    await withBus(async (bus) => {
      const poll = { ...pollConfig, backoffInitialSec: 30, backoffMaxSec: 100 };
      const deps = { bus, topic: 'news.raw', poll, clock };
      const scheduler = new PollScheduler(
        [new FeedPoller(feed('busy'), deps), new FeedPoller(feed('away'), deps)],
        { poll, clock, logger, random: () => 0 },
      );
      await Promise.all(scheduler.tick());
      expect(scheduler.status().map((s) => s.nextDueAt)).toEqual([7_200_000, 86_400_000]);
      expect(lines).toContain('feed busy: HTTP 429, retrying in 2h (as Retry-After asks)');
      expect(lines).toContain(
        'feed away: HTTP 503, retrying in 1d (Retry-After asked for 1w; capped at 1d)',
      );
      await scheduler.stop();
    });
  });
});

describe('issue 14.13 — a big feed body is parsed off the event loop', () => {
  it('keeps the event loop turning while a 4 MB feed is parsed', async () => {
    // Every item repeats one guid: a whole body to parse, but one item to publish, so the parse is what is timed.
    const titles = Array.from({ length: 30_000 }, () => 'wire-story <b>rises</b> &amp; more');
    routes.set('/big', { body: rss(...titles) });
    await withBus(async (bus) => {
      const poller = new FeedPoller(feed('big'), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      let longestGapMs = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        longestGapMs = Math.max(longestGapMs, performance.now() - last);
        last = performance.now();
      }, 5);
      const result = await poller.poll().finally(() => clearInterval(ticker));
      longestGapMs = Math.max(longestGapMs, performance.now() - last);
      expect(result).toMatchObject({ status: 'ok', published: 1, seen: 29_999 });
      // In-thread parsing held the loop for the whole parse (seconds); other work must get a turn meanwhile.
      expect(longestGapMs).toBeLessThan(1_000);
    });
  }, 60_000);
});

describe('issue 14.14 — credentials and keys in a feed URL never reach the log', () => {
  it('sends user:pass@ as Basic auth (fetch refused such a URL, quoting it in its error)', async () => {
    routes.set('/private?key=FEEDKEY', { body: rss('p') });
    await withBus(async (bus) => {
      const url = `${base.replace('http://', 'http://FEEDUSER:FEEDPASS@')}/private?key=FEEDKEY`;
      const poller = new FeedPoller(feed('private', { url }), {
        bus,
        topic: 'news.raw',
        poll: pollConfig,
        clock: new ManualClock(0),
      });
      expect(await poller.poll()).toMatchObject({ status: 'ok', published: 1 });
      expect(requests[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from('FEEDUSER:FEEDPASS').toString('base64')}`,
      );
    });
  });

  it('logs a feed that refuses the connection, and the feeds polled, without them', async () => {
    const url = `http://FEEDUSER:FEEDPASS@127.0.0.1:${await freePort()}/rss?key=FEEDKEY`;
    const { logger, lines } = captureLogger();
    await withBus(async (bus) => {
      const ingest = ingestConfigSchema.parse({ feeds: [{ name: 'private', url, jitterPct: 0 }] });
      const sources = await startLiveSources({ ingest, bus, topic: 'news.raw', logger });
      await until(() => lines.some((l) => l.msg.startsWith('feed private:')), 'the failed poll');
      await sources.stop();
      expect(sources.scheduler?.status()[0]?.lastError).toBe('connection refused');
    });
    const output = JSON.stringify(lines);
    for (const secret of ['FEEDUSER', 'FEEDPASS', 'FEEDKEY']) expect(output).not.toContain(secret);
  });
});
