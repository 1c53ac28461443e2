/**
 * One conditional GET of a feed with Node's fetch: sends the validators from the last 200 (ETag →
 * If-None-Match, Last-Modified → If-Modified-Since), bounds time and body size, and turns failures into
 * ServiceErrors that carry the HTTP status and any Retry-After.
 */
import { ServiceError } from '../../core/errors.ts';
import { parseRetryAfter } from '../../core/retry-after.ts';
import { credentialsAsHeader } from '../../core/url-credentials.ts';

export interface FeedValidators {
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type FetchOutcome =
  | { status: 'not-modified' }
  | { status: 'ok'; bytes: Buffer; contentType: string | null; validators: FeedValidators };

export interface FetchFeedOptions {
  validators: FeedValidators;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  /** Stops the request early (shutdown). */
  signal?: AbortSignal | undefined;
}

export class FeedFetchError extends ServiceError {
  readonly httpStatus: number | undefined;
  /** Short reason for the log line: "HTTP 503", "timed out after 15s", "connection refused". */
  readonly reason: string;

  constructor(
    feed: string,
    reason: string,
    options: { httpStatus?: number; retryAfterMs?: number | undefined; cause?: unknown } = {},
  ) {
    super(`feed ${feed}`, reason, { cause: options.cause, retryAfterMs: options.retryAfterMs });
    this.reason = reason;
    this.httpStatus = options.httpStatus;
  }
}

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';

function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  if (name === 'AbortError') return 'aborted';
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? (error as Error | undefined)?.message ?? String(error);
}

async function readBounded(response: Response, feed: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new FeedFetchError(feed, `body of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FeedFetchError(feed, `body exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

export async function fetchFeed(
  feed: string,
  url: string,
  options: FetchFeedOptions,
): Promise<FetchOutcome> {
  const parsed = URL.parse(url);
  if (!parsed) throw new FeedFetchError(feed, 'not a URL');
  const target = credentialsAsHeader(parsed);
  const headers: Record<string, string> = {
    accept: ACCEPT,
    'user-agent': options.userAgent,
    ...target.headers,
  };
  if (options.validators.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators.lastModified) {
    headers['if-modified-since'] = options.validators.lastModified;
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetch(target.url, { headers, signal, redirect: 'follow' });
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FeedFetchError(feed, `HTTP ${response.status}`, {
        httpStatus: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      });
    }
    bytes = await readBounded(response, feed, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    throw new FeedFetchError(feed, networkReason(error, options.timeoutMs), { cause: error });
  }
  return {
    status: 'ok',
    bytes,
    contentType: response.headers.get('content-type'),
    validators: {
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    },
  };
}
