/**
 * The HTTP push source: POST /v1/items with one JSON object or an array of them (the JSONL record fields);
 * valid items are published to the raw topic and answered with 202 {accepted, ids, rejected, warnings}.
 * Bound to loopback by default, since the endpoint has no authentication of its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpPushConfig } from '../../config/ingest.ts';
import type { Bus } from '../../core/bus.ts';
import type { Clock } from '../../core/clock.ts';
import { describeError, ServiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { publishItems } from '../common/publish-items.ts';
import { itemsFromPush } from './push-items.ts';

export const PUSH_PATH = '/v1/items';

export interface PushServerDeps {
  bus: Bus;
  topic: string;
  logger: Logger;
  clock: Clock;
}

export interface PushCounters {
  requests: number;
  accepted: number;
  rejected: number;
}

class BodyTooLarge extends Error {}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

export class PushServer {
  private server: Server | undefined;
  readonly counters: PushCounters = { requests: 0, accepted: 0, rejected: 0 };

  constructor(
    private readonly config: HttpPushConfig,
    private readonly deps: PushServerDeps,
  ) {}

  /** Listens on the configured host and port (0 = any free port); resolves with the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        this.deps.logger.error({ err: describeError(error) }, 'http push: request failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new ServiceError(
            'http push',
            `cannot listen on ${this.config.host}:${this.config.port}: ${describeError(error)}`,
            { retriable: false, cause: error },
          ),
        ),
      );
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    server.removeAllListeners('error');
    server.on('error', (error) =>
      this.deps.logger.error({ err: describeError(error) }, 'http push: server error'),
    );
    this.server = server;
    const address = server.address() as AddressInfo;
    this.deps.logger.info(
      { host: address.address, port: address.port },
      `http push: listening on http://${address.address}:${address.port}${PUSH_PATH}`,
    );
    return { host: address.address, port: address.port };
  }

  /** Stops accepting connections and waits for requests in flight (their items are published first). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, { ok: true });
    if (path !== PUSH_PATH)
      return send(res, 404, { error: `not found; POST items to ${PUSH_PATH}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    // Any content type is read as JSON: `curl -d` sends a form type by default, and the body decides anyway.
    this.counters.requests += 1;
    let body: Buffer;
    try {
      body = await readBody(req, this.config.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      send(
        res,
        413,
        { error: `body over ${this.config.maxBodyBytes} bytes` },
        { connection: 'close' },
      );
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return send(res, 400, { error: `bad JSON: ${(error as Error).message}` });
    }
    const records = Array.isArray(parsed) ? parsed : [parsed];
    if (records.length > this.config.maxItems) {
      return send(res, 413, {
        error: `${records.length} items; at most ${this.config.maxItems} per request`,
      });
    }
    const outcome = itemsFromPush(records, new Date(this.deps.clock.now()).toISOString());
    try {
      await publishItems(this.deps.bus, this.deps.topic, outcome.items);
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error) }, 'http push: publish failed');
      return send(
        res,
        503,
        { error: `bus unavailable: ${describeError(error)}` },
        { 'retry-after': '5' },
      );
    }
    this.counters.accepted += outcome.items.length;
    this.counters.rejected += outcome.rejected.length;
    if (outcome.rejected.length > 0) {
      this.deps.logger.debug(
        { rejected: outcome.rejected.slice(0, 20) },
        'http push: items rejected',
      );
    }
    send(res, 202, {
      accepted: outcome.items.length,
      ids: outcome.items.map((item) => item.id),
      rejected: outcome.rejected,
      warnings: outcome.warnings,
    });
  }
}
