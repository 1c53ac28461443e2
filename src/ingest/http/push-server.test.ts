// The HTTP push source over real HTTP: who may post, what the body must be, per-item answers, and what reaches the bus.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/memory/memory-bus.ts';
import { type HttpPushConfig, ingestConfigSchema } from '../../config/ingest.ts';
import { systemClock } from '../../core/clock.ts';
import { decodeNewsItem } from '../../core/codec.ts';
import { ConfigError } from '../../core/errors.ts';
import { silentLogger } from '../../core/logger.ts';
import type { NewsItem } from '../../core/news.ts';
import { PushServer } from './push-server.ts';

const TOKEN = 'push-token-0123456789abcdef';
const JSON_TYPE = { 'content-type': 'application/json' };

let bus: MemoryBus | undefined;
let server: PushServer | undefined;
let port: number;
let received: NewsItem[];

/** Starts a push endpoint on 127.0.0.1 (any free port) over a memory bus whose raw topic is collected. */
async function startPush(overrides: Partial<HttpPushConfig> = {}): Promise<PushServer> {
  bus = new MemoryBus({ partitions: 1, capacity: 1_000 }, silentLogger);
  await bus.connect();
  received = [];
  await bus.subscribe(
    { topic: 'news.raw', group: 't', maxBatchSize: 100, lingerMs: 0 },
    async (batch) => {
      received.push(...batch.map((m) => decodeNewsItem(m.value)));
    },
  );
  const config: HttpPushConfig = {
    ...ingestConfigSchema.parse({}).http,
    port: 0,
    maxBodyBytes: 4_096,
    maxItems: 5,
    ...overrides,
  };
  server = new PushServer(config, {
    bus,
    topic: 'news.raw',
    logger: silentLogger,
    clock: systemClock,
  });
  port = (await server.start()).port;
  return server;
}

afterEach(async () => {
  await server?.close();
  await bus?.close();
  server = undefined;
  bus = undefined;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A raw HTTP request, so Host and Origin are exactly what the test says (fetch would set or refuse them). */
function send(
  body: string | Buffer,
  headers: Record<string, string> = JSON_TYPE,
  options: { method?: string; path?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/v1/items',
        headers: { host: `127.0.0.1:${port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

/** Lets the bus deliver anything that was (wrongly) published before asserting nothing was. */
const settle = () => new Promise((r) => setTimeout(r, 50));

const forged = JSON.stringify({
  title: 'Apple CEO resigns',
  source: 'reuters',
  url: 'https://www.reuters.example/apple',
});

describe('PushServer', () => {
  it('binds to loopback by default and answers /healthz', async () => {
    await startPush();
    expect(ingestConfigSchema.parse({}).http.host).toBe('127.0.0.1');
    const health = await send('', {}, { method: 'GET', path: '/healthz' });
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('accepts one object: publishes it and answers 202 with its id', async () => {
    await startPush();
    const res = await send(
      JSON.stringify({
        title: 'Apple beats',
        url: 'https://x.example/a?utm_medium=y',
        publishedAt: '2024-05-01T10:00:00Z',
      }),
    );
    expect(res.status).toBe(202);
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({
      source: 'http-push',
      url: 'https://x.example/a?utm_medium=y',
      publishedAt: '2024-05-01T10:00:00.000Z',
    });
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      results: [{ index: 0, status: 'accepted', id: received[0]?.id }],
    });
  });

  it('answers 400 on bad JSON, 413 over the size or item limit, 405/404 otherwise', async () => {
    await startPush();
    expect((await send('{"title": ')).status).toBe(400);
    expect((await send(JSON.stringify({ title: 'x'.repeat(5_000) }))).status).toBe(413);
    const six = Array.from({ length: 6 }, (_, i) => ({ title: `t${i}` }));
    expect((await send(JSON.stringify(six))).status).toBe(413);
    const get = await send('', {}, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await send('{}', JSON_TYPE, { path: '/nope' })).status).toBe(404);
    await settle();
    expect(received).toEqual([]);
    expect(server?.counters).toMatchObject({ accepted: 0 });
  });
});

describe('issue 14.2 — the push endpoint cannot be driven by a web page, a rebound DNS name or an unknown client', () => {
  it('refuses text/plain, form and untyped bodies with 415 (JSON forces a CORS preflight)', async () => {
    await startPush();
    const plain = await send(forged, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toMatch(/application\/json/);
    const form = await send('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect((await send(forged, {})).status).toBe(415);
    expect((await send(forged, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(
      202,
    );
    await until(() => received.length === 1);
    expect(received).toHaveLength(1);
  });

  it('refuses a request from a foreign Origin with 403', async () => {
    await startPush();
    const res = await send(forged, { ...JSON_TYPE, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/origin/i);
    const opaque = await send(forged, { ...JSON_TYPE, origin: 'null' });
    expect(opaque.status).toBe(403);
    await settle();
    expect(received).toEqual([]);
  });

  it('refuses a Host that is not the bind address with 403 (DNS rebinding), keeps loopback names', async () => {
    await startPush();
    const rebound = await send(forged, { ...JSON_TYPE, host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body.error).toMatch(/host/i);
    expect((await send(forged, { ...JSON_TYPE, host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    await settle();
    expect(received).toEqual([]);
    expect((await send(forged, { ...JSON_TYPE, host: `localhost:${port}` })).status).toBe(202);
  });

  it('requires the bearer token when one is configured (401 without it or with a wrong one)', async () => {
    await startPush({ token: TOKEN });
    const none = await send(forged);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await send(forged, { ...JSON_TYPE, authorization: 'Bearer wrong-token' })).status).toBe(
      401,
    );
    expect((await send(forged, { ...JSON_TYPE, authorization: TOKEN })).status).toBe(401);
    await settle();
    expect(received).toEqual([]);
    const ok = await send(forged, { ...JSON_TYPE, authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(202);
  });

  it('refuses to start beyond loopback without a token: a config error naming ingest.http.token', async () => {
    const exposed = new PushServer(
      { ...ingestConfigSchema.parse({}).http, host: '0.0.0.0', port: 0 },
      {
        bus: new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger),
        topic: 'news.raw',
        logger: silentLogger,
        clock: systemClock,
      },
    );
    const failure = await exposed.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    await exposed.close();
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^ingest\.http\.token: required when ingest\.http\.host \(0\.0\.0\.0\)/,
      ),
    ]);
  });

  it('on all interfaces with a token: any Host name, but only with the token', async () => {
    await startPush({ host: '0.0.0.0', token: TOKEN });
    const named = { ...JSON_TYPE, host: `ingest.internal:${port}` };
    expect((await send(forged, named)).status).toBe(401);
    expect((await send(forged, { ...named, authorization: `Bearer ${TOKEN}` })).status).toBe(202);
  });

  it('rejects, per item, a source the config does not allow', async () => {
    await startPush({ allowedSources: ['wire', 'http-push'] });
    const res = await send(
      JSON.stringify([
        { title: 'Apple CEO resigns', source: 'reuters' },
        { title: 'Tesla recalls cars', source: 'wire' },
        { title: 'Nvidia rallies' },
      ]),
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect((res.body.results as unknown[])[0]).toEqual({
      index: 0,
      status: 'rejected',
      reason: 'source "reuters" is not allowed here (ingest.http.allowedSources)',
    });
    await until(() => received.length === 2);
    expect(received.map((item) => item.source)).toEqual(['wire', 'http-push']);
  });
});

describe('issue 14.3 — the push response says per item what happened and never takes what the store would refuse', () => {
  it('answers per item: accepted, duplicate (in the request or seen before) and rejected with a reason', async () => {
    await startPush();
    const res = await send(
      JSON.stringify([
        {
          id: 'n1',
          title: 'Tesla recalls cars',
          publishedAt: '2024-05-01T10:00:00Z',
          source: 'wire',
        },
        { summary: '   ' },
        'not an object',
        { title: 42 },
        { id: 'n2', summary: 'Nvidia rallies. Again.' },
      ]),
    );
    expect(res.status).toBe(202);
    await until(() => received.length === 2);
    const [tesla, nvidia] = received;
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 3,
      results: [
        { index: 0, status: 'accepted', id: tesla?.id },
        { index: 1, status: 'rejected', reason: 'no title or summary text' },
        { index: 2, status: 'rejected', reason: 'not a JSON object' },
        { index: 3, status: 'rejected', reason: '"title" must be a string' },
        {
          index: 4,
          status: 'accepted',
          id: nvidia?.id,
          warnings: ['empty title; taken from the summary', 'no date; using the fetch time'],
        },
      ],
    });
    expect(received.map((i) => [i.source, i.title])).toEqual([
      ['wire', 'Tesla recalls cars'],
      ['http-push', 'Nvidia rallies.'],
    ]);

    const again = await send(
      JSON.stringify([
        { id: 'n1', title: 'Tesla recalls cars', source: 'wire' },
        { id: 'n3', title: 'Pfizer wins approval' },
        { id: 'n3', title: 'Pfizer wins approval' },
      ]),
    );
    expect(again.status).toBe(202);
    await until(() => received.length === 3);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 2, rejected: 0 });
    expect((again.body.results as Array<{ status: string }>).map((r) => r.status)).toEqual([
      'duplicate',
      'accepted',
      'duplicate',
    ]);
    await settle();
    expect(received).toHaveLength(3);
  });

  it('answers 422 when no item was accepted, and 200 when every item was a duplicate', async () => {
    await startPush();
    const none = await send(JSON.stringify([{ summary: ' ' }, { url: 'https://x.example/a' }]));
    expect(none.status).toBe(422);
    expect(none.body).toMatchObject({ accepted: 0, rejected: 2 });
    expect((await send('[]')).status).toBe(422);
    expect((await send(JSON.stringify({ id: 'n1', title: 'Once' }))).status).toBe(202);
    const retried = await send(JSON.stringify({ id: 'n1', title: 'Once' }));
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    await settle();
    expect(received.map((item) => item.title)).toEqual(['Once']);
  });

  it('decodes the declared charset: a Latin-1 body is stored as written', async () => {
    await startPush();
    const latin1 = Buffer.from(
      JSON.stringify({ title: 'Société Générale relève ses prévisions' }),
      'latin1',
    );
    const res = await send(latin1, { 'content-type': 'application/json; charset=iso-8859-1' });
    expect(res.status).toBe(202);
    await until(() => received.length === 1);
    expect(received[0]?.title).toBe('Société Générale relève ses prévisions');
  });

  it('refuses an unknown charset with 415 and invalid UTF-8 with 400, naming the fault', async () => {
    await startPush();
    const unknown = await send('{"title":"x"}', {
      'content-type': 'application/json; charset=klingon-8',
    });
    expect(unknown.status).toBe(415);
    expect(unknown.body.error).toMatch(/klingon-8/);
    const latin1 = Buffer.from(JSON.stringify({ title: 'Société Générale' }), 'latin1');
    for (const headers of [JSON_TYPE, { 'content-type': 'application/json; charset=utf-8' }]) {
      const bad = await send(latin1, headers);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/not valid UTF-8/);
    }
    await settle();
    expect(received).toEqual([]);
  });

  it('rejects an item holding a lone surrogate (the store refuses it) and keeps the others', async () => {
    await startPush();
    const res = await send('[{"title":"bad \\ud800 text"},{"title":"Good text"}]');
    expect(res.status).toBe(202);
    const results = res.body.results as Array<{ status: string; reason?: string }>;
    expect(results[0]).toEqual({
      index: 0,
      status: 'rejected',
      reason: expect.stringMatching(/^title: .*lone surrogate/),
    });
    expect(results[1]?.status).toBe('accepted');
    await until(() => received.length === 1);
    await settle();
    expect(received.map((item) => item.title)).toEqual(['Good text']);
  });
});

describe('issue 16.3 — when the bus is full the push endpoint answers 429 with Retry-After, never queueing without bound', () => {
  it('holds at most maxPendingItems waiting for room, refuses beyond it at once, and loses none it took', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    bus = new MemoryBus({ partitions: 1, capacity: 10 }, silentLogger);
    await bus.connect();
    const stored: string[] = [];
    // A consumer stuck on its first batch: the topic fills and publishers must wait for it.
    await bus.subscribe(
      { topic: 'news.raw', group: 'slow', maxBatchSize: 100, lingerMs: 0 },
      async (batch) => {
        await released;
        stored.push(...batch.map((m) => decodeNewsItem(m.value).title));
      },
    );
    server = new PushServer(
      { ...ingestConfigSchema.parse({}).http, port: 0, maxItems: 5, maxPendingItems: 5 },
      { bus, topic: 'news.raw', logger: silentLogger, clock: systemClock },
    );
    port = (await server.start()).port;
    try {
      await fillAndOverflow(release);
    } finally {
      // A failing run must not leave the endpoint waiting on the stuck consumer (close() waits for it).
      release();
    }
    await until(() => stored.length === 15);
    await settle();
    expect(stored.sort()).toEqual(Array.from({ length: 15 }, (_, i) => `item ${i}`).sort());
    expect(server.counters).toMatchObject({ accepted: 15, busy: 1 });
  });
});

/** Two requests fill the topic, a third waits for room, a fourth finds the pending allowance spent. */
async function fillAndOverflow(release: () => void): Promise<void> {
  const items = (from: number) =>
    JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ title: `item ${from + i}` })));
  expect((await send(items(0))).status).toBe(202);
  expect((await send(items(5))).status).toBe(202);
  // The topic is full: this request's five items wait for room, and fill the pending allowance.
  const waiting = send(items(10));
  await until(() => server?.pendingItems === 5);
  const refused = await Promise.race([
    send(items(15)),
    new Promise<undefined>((resolve) => setTimeout(resolve, 3_000)),
  ]);
  expect(refused, 'no answer within 3 s: the request queued behind a full bus').toBeDefined();
  expect(refused?.status).toBe(429);
  expect(refused?.headers['retry-after']).toBe('1');
  expect(refused?.body.error).toMatch(/behind/);
  release();
  expect((await waiting).status).toBe(202);
}
