/**
 * The HTTP push source: POST /v1/items with one JSON object or an array of them (the JSONL record fields) from
 * an allowed caller; new items are published to the raw topic and each record's fate is answered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpPushConfig } from '../../config/ingest.ts';
import type { Bus } from '../../core/bus.ts';
import type { Clock } from '../../core/clock.ts';
import { ConfigError, describeError, ServiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { publishItems } from '../common/publish-items.ts';
import { SeenIds } from '../common/seen-ids.ts';
import { bodyCharset, parseBody } from './push-body.ts';
import { exposureProblem, PushGuard, type PushRefusal } from './push-guard.ts';
import { itemsFromPush, pushAnswer } from './push-items.ts';

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
  duplicates: number;
  rejected: number;
  /** Requests answered 429 because the pipeline was behind (the pending allowance was spent). */
  busy: number;
}

/** What a client is asked to wait before retrying a request refused because the pipeline is behind. */
const BUSY_RETRY_AFTER_S = 1;

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

const refuse = (res: ServerResponse, refusal: PushRefusal): void =>
  send(res, refusal.status, { error: refusal.error }, refusal.headers);

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
  private guard: PushGuard | undefined;
  /** Ids published by earlier requests, so a retried request is answered "duplicate" rather than re-scored. */
  private readonly seen: SeenIds;
  readonly counters: PushCounters = {
    requests: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    busy: 0,
  };
  /** Items of admitted requests not yet on the bus (waiting for room): bounded by maxPendingItems. */
  private pending = 0;

  constructor(
    private readonly config: HttpPushConfig,
    private readonly deps: PushServerDeps,
  ) {
    this.seen = new SeenIds(config.seenIds);
  }

  /**
   * Listens on the configured host and port (0 = any free port); resolves with the bound address.
   * Refuses (ConfigError) to listen beyond loopback without a token.
   */
  async start(): Promise<{ host: string; port: number }> {
    const exposure = exposureProblem(this.config);
    if (exposure) throw new ConfigError('http push', [`ingest.http.token: ${exposure}`]);
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
    this.guard = new PushGuard({ host: this.config.host, port: address.port }, this.config.token);
    this.deps.logger.info(
      { host: address.address, port: address.port },
      `http push: listening on http://${address.address}:${address.port}${PUSH_PATH}`,
    );
    return { host: address.address, port: address.port };
  }

  get pendingItems(): number {
    return this.pending;
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
    const guard = this.guard;
    if (guard === undefined) throw new Error('http push: request before start()');
    const foreign = guard.refuseForeign(req.headers);
    if (foreign) return refuse(res, foreign);
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') return send(res, 200, { ok: true });
    if (path !== PUSH_PATH)
      return send(res, 404, { error: `not found; POST items to ${PUSH_PATH}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    this.counters.requests += 1;
    const unauthorized = guard.refuseCredentials(req.headers);
    if (unauthorized) return refuse(res, unauthorized);
    const charset = bodyCharset(req.headers);
    if (!charset.ok) return refuse(res, charset);
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
    const parsed = parseBody(body, charset.charset);
    if (!parsed.ok) return refuse(res, parsed);
    const records = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    if (records.length > this.config.maxItems) {
      return send(res, 413, {
        error: `${records.length} items; at most ${this.config.maxItems} per request`,
      });
    }
    const outcome = itemsFromPush(records, {
      fetchedAt: new Date(this.deps.clock.now()).toISOString(),
      allowedSources: this.config.allowedSources,
      seen: (id) => this.seen.has(id),
    });
    const waiting = outcome.items.length;
    // The first request always gets in (one request may hold up to maxItems); later ones only within the allowance.
    if (this.pending > 0 && this.pending + waiting > this.config.maxPendingItems) {
      this.counters.busy += 1;
      return send(
        res,
        429,
        {
          error: `the pipeline is behind: ${this.pending} pushed items are waiting for room on the bus; nothing of this request was taken, retry it`,
        },
        { 'retry-after': String(BUSY_RETRY_AFTER_S) },
      );
    }
    this.pending += waiting;
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
    } finally {
      this.pending -= waiting;
    }
    for (const item of outcome.items) this.seen.add(item.id);
    const answer = pushAnswer(outcome.results);
    this.counters.accepted += answer.body.accepted;
    this.counters.duplicates += answer.body.duplicates;
    this.counters.rejected += answer.body.rejected;
    if (answer.body.rejected > 0) {
      this.deps.logger.debug(
        { rejected: outcome.results.filter((r) => r.status === 'rejected').slice(0, 20) },
        'http push: items rejected',
      );
    }
    send(res, answer.status, answer.body);
  }
}
