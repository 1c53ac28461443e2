// The HTTP push source over real HTTP: validation per item, status codes, size limits, and what reaches the bus.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/memory/memory-bus.ts';
import { ingestConfigSchema } from '../../config/ingest.ts';
import { systemClock } from '../../core/clock.ts';
import { decodeNewsItem } from '../../core/codec.ts';
import { silentLogger } from '../../core/logger.ts';
import type { NewsItem } from '../../core/news.ts';
import { PushServer } from './push-server.ts';

let bus: MemoryBus;
let server: PushServer;
let url: string;
let received: NewsItem[];

beforeEach(async () => {
  bus = new MemoryBus({ partitions: 1, capacity: 1_000 }, silentLogger);
  await bus.connect();
  received = [];
  await bus.subscribe(
    { topic: 'news.raw', group: 't', maxBatchSize: 100, lingerMs: 0 },
    async (batch) => {
      received.push(...batch.map((m) => decodeNewsItem(m.value)));
    },
  );
  const config = {
    ...ingestConfigSchema.parse({}).http,
    port: 0,
    maxBodyBytes: 4_096,
    maxItems: 5,
  };
  server = new PushServer(config, {
    bus,
    topic: 'news.raw',
    logger: silentLogger,
    clock: systemClock,
  });
  const { host, port } = await server.start();
  url = `http://${host}:${port}/v1/items`;
});

afterEach(async () => {
  await server.close();
  await bus.close();
});

const post = (
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(url, { method: 'POST', body, headers });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('PushServer', () => {
  it('binds to loopback by default', () => {
    expect(ingestConfigSchema.parse({}).http.host).toBe('127.0.0.1');
    expect(url.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('accepts one object: assigns the id, publishes it, answers 202', async () => {
    const res = await post(
      JSON.stringify({
        title: 'Apple beats',
        url: 'https://x.example/a?utm_medium=y',
        publishedAt: '2024-05-01T10:00:00Z',
      }),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      accepted: 1,
      ids: ['u:https://x.example/a'],
      rejected: [],
      warnings: [],
    });
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({
      id: 'u:https://x.example/a',
      source: 'http-push',
      publishedAt: '2024-05-01T10:00:00.000Z',
    });
  });

  it('takes an array, rejecting bad elements by index and keeping the good ones', async () => {
    const res = await post(
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
    const body = (await res.json()) as {
      accepted: number;
      ids: string[];
      rejected: unknown[];
      warnings: unknown[];
    };
    expect(body.accepted).toBe(2);
    expect(body.ids).toEqual(['g:n1', 'g:n2']);
    expect(body.rejected).toEqual([
      { index: 1, reason: 'no title or summary text' },
      { index: 2, reason: 'not a JSON object' },
      { index: 3, reason: '"title" must be a string' },
    ]);
    expect(body.warnings).toEqual([
      { index: 4, message: 'empty title; taken from the summary' },
      { index: 4, message: 'no date; using the fetch time' },
    ]);
    await until(() => received.length === 2);
    expect(received.map((i) => [i.source, i.title])).toEqual([
      ['wire', 'Tesla recalls cars'],
      ['http-push', 'Nvidia rallies.'],
    ]);
  });

  it('answers 400 on bad JSON, 413 over the size or item limit, 405/404 otherwise (any content type is read as JSON)', async () => {
    expect((await post('{"title": ')).status).toBe(400);
    expect((await post(JSON.stringify({ title: 'x'.repeat(5_000) }))).status).toBe(413);
    expect(
      (await post(JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ title: `t${i}` })))))
        .status,
    ).toBe(413);
    expect(
      (await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(400);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(url.replace('/v1/items', '/nope'))).status).toBe(404);
    expect(received).toEqual([]);
    expect(server.counters).toMatchObject({ accepted: 0 });
  });
});
