// The open-loop generator against a real HTTP server on 127.0.0.1: items keep their scheduled times when the
// endpoint is slow (no coordinated omission), a 429 is retried after its Retry-After, nothing is sent twice.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStamp, OpenLoopGenerator, Schedule } from './open-loop.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A push endpoint stand-in: answers each request after `delayMs`, the first `refuse` of them with 429. */
async function endpoint(
  delayMs: number,
  refuse = 0,
): Promise<{ url: string; ids: string[]; requests: () => number }> {
  const ids: string[] = [];
  let requests = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests += 1;
      setTimeout(() => {
        if (requests <= refuse) {
          res.writeHead(429, { 'retry-after': '0' }).end('{"error":"behind"}');
          return;
        }
        const records = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }[];
        ids.push(...records.map((r) => r.id));
        res.writeHead(202).end(JSON.stringify({ accepted: records.length }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/items`, ids, requests: () => requests };
}

describe('Schedule', () => {
  it('makes item n due by the clock, phase by phase', () => {
    const schedule = new Schedule([
      { itemsPerSecond: 10, seconds: 1 },
      { itemsPerSecond: 100, seconds: 1 },
    ]);
    expect(schedule.total).toBe(110);
    expect(schedule.dueAt(0)).toBe(0);
    expect(schedule.dueAt(9)).toBe(900);
    expect(schedule.dueAt(10)).toBe(1000);
    expect(schedule.dueAt(11)).toBe(1010);
    expect(schedule.dueBy(950)).toBe(10);
    expect(schedule.dueBy(5_000)).toBe(110);
    expect(() => new Schedule([{ itemsPerSecond: 0, seconds: 1 }])).toThrow(/positive/);
  });
});

describe('issue 16.1 — the load generator is open-loop: a slow endpoint shows as latency, it does not slow the schedule', () => {
  it('stamps every item with its scheduled time, and sends what fell due meanwhile in the next request', async () => {
    const target = await endpoint(300);
    const generator = new OpenLoopGenerator({
      url: target.url,
      texts: [{ title: 'Acme beats estimates' }],
      runId: 'test',
      maxInFlight: 1,
    });
    const started = Date.now();
    const result = await generator.run([{ itemsPerSecond: 50, seconds: 1 }]);
    expect(result).toMatchObject({ offered: 50, accepted: 50, refused: 0 });
    const stamps = target.ids.map((id) => loadStamp(id));
    expect(stamps.map((s) => s?.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Due times follow the clock (20 ms apart), whatever the 300 ms answers did to the sending.
    const first = stamps[0]?.dueMs ?? 0;
    expect(first - started).toBeLessThan(50);
    stamps.forEach((s, i) => {
      expect(Math.abs((s?.dueMs ?? 0) - first - i * 20)).toBeLessThanOrEqual(1);
    });
    // One request at a time, each taking 300 ms: a closed loop would have sent 50 requests over 15 s.
    expect(target.requests()).toBeLessThan(10);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('retries a request answered 429 after its Retry-After, sending nothing twice', async () => {
    const target = await endpoint(0, 2);
    const generator = new OpenLoopGenerator({
      url: target.url,
      texts: [{ title: 'Acme beats estimates' }],
      runId: 'test',
      maxInFlight: 1,
    });
    const result = await generator.run([{ itemsPerSecond: 20, seconds: 0.5 }]);
    expect(result).toMatchObject({ offered: 10, accepted: 10, refused: 2 });
    expect(new Set(target.ids).size).toBe(10);
    expect(target.ids).toHaveLength(10);
  });
});
