/** The server SQL engine: @clickhouse/client over HTTP, with the database created on connect and driver errors translated. */
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import type { ClickhouseStoreConfig } from '../../config/store.ts';
import { ServiceError } from '../../core/errors.ts';
import { redactUrl } from '../../core/redact-url.ts';
import type { SqlParams } from '../../core/store.ts';
import type { SqlEngine } from '../sql-engine.ts';
import { TRANSIENT_CLICKHOUSE_CODES } from '../transient-errors.ts';
import { inlineParams, ParamError } from './inline-params.ts';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** Query parameters travel in the URL; past this size they go inline in the body instead. */
const MAX_URL_PARAMS_BYTES = 128 * 1024;
/** The server's default max_query_size (256 KiB): a longer query has to raise it. */
const DEFAULT_MAX_QUERY_SIZE = 256 * 1024;

interface BoundQuery {
  query: string;
  query_params?: SqlParams;
  clickhouse_settings?: { max_query_size: string };
}

function approximateSize(params: SqlParams): number {
  let size = 0;
  for (const value of Object.values(params)) {
    if (Array.isArray(value)) {
      for (const v of value as readonly (string | number)[]) size += String(v).length + 3;
    } else {
      size += String(value).length;
    }
  }
  return size;
}

function isRetriableDriverError(error: unknown): boolean {
  if (error instanceof ClickHouseError) return TRANSIENT_CLICKHOUSE_CODES.has(Number(error.code));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  // 18.16's error text ("Code: 241, e.displayText() = …") is not parsed into a ClickHouseError.
  const serverCode = /^Code: (\d+)[,.]/.exec(message.trim());
  if (serverCode?.[1]) return TRANSIENT_CLICKHOUSE_CODES.has(Number(serverCode[1]));
  return /timeout|socket hang up|ECONNREFUSED|ECONNRESET/i.test(message);
}

/** Old servers answer an unknown `param_*` URL setting with "Unknown setting param_…". */
function lacksQueryParameters(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Unknown setting param_/i.test(message);
}

export class ClickhouseEngine implements SqlEngine {
  readonly type = 'clickhouse';
  /** Logged and shown in health: the URL without user:pass@, path or query, which may carry credentials. */
  readonly location: string;
  private readonly shownUrl: string;
  private client: ClickHouseClient | undefined;
  /** Servers without query parameters (18.16) get values bound client-side by inline-params.ts. */
  private serverParams = true;
  private version = '';

  constructor(private readonly config: ClickhouseStoreConfig) {
    this.shownUrl = redactUrl(config.url);
    this.location = `${this.shownUrl} database ${config.database}`;
  }

  private make(database?: string): ClickHouseClient {
    return createClient({
      url: this.config.url,
      username: this.config.username,
      password: this.config.password,
      request_timeout: this.config.requestTimeoutMs,
      log: { level: ClickHouseLogLevel.OFF },
      ...(database ? { database } : {}),
    });
  }

  async open(): Promise<void> {
    if (this.client) return;
    const bootstrap = this.make();
    try {
      // The database name is a validated plain identifier (config/store.ts), so it can be quoted as one.
      await this.call(
        bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS \`${this.config.database}\`` }),
        'create database',
      );
    } finally {
      await bootstrap.close();
    }
    this.client = this.make(this.config.database);
    const [row] = await this.select<{ v: string }>('SELECT version() AS v');
    this.version = row?.v ?? '';
    this.serverParams = await this.probeQueryParameters();
  }

  /** The server's version and how parameters are bound, for health and logs. */
  describe(): string {
    return `ClickHouse ${this.version} (${this.serverParams ? 'server-side' : 'client-side'} parameters)`;
  }

  private async probeQueryParameters(): Promise<boolean> {
    try {
      await this.live().query({
        query: 'SELECT {probe:UInt8} AS p',
        query_params: { probe: 1 },
        format: 'JSON',
      });
      return true;
    } catch (error) {
      if (lacksQueryParameters(error)) return false;
      throw this.translate(error, 'probe query parameters');
    }
  }

  private live(): ClickHouseClient {
    if (!this.client) {
      throw new ServiceError('clickhouse', `store at ${this.location} is not connected`, {
        retriable: false,
      });
    }
    return this.client;
  }

  private translate(error: unknown, what: string): ServiceError {
    if (error instanceof ServiceError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new ServiceError('clickhouse', `${what} at ${this.shownUrl}: ${message.trim()}`, {
      retriable: isRetriableDriverError(error),
      cause: error,
    });
  }

  private async call<T>(work: Promise<T>, what: string): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.translate(error, what);
    }
  }

  /**
   * Server-side binding where the server has it and the values fit in a URL; otherwise typed literals
   * (see inline-params.ts) in the request body, with max_query_size raised so a batch's ids fit.
   */
  private bind(sql: string, params?: SqlParams): BoundQuery {
    if (!params) return { query: sql };
    if (this.serverParams && approximateSize(params) < MAX_URL_PARAMS_BYTES) {
      return { query: sql, query_params: params };
    }
    try {
      const query = inlineParams(sql, params);
      return query.length < DEFAULT_MAX_QUERY_SIZE
        ? { query }
        : { query, clickhouse_settings: { max_query_size: String(query.length + 1024) } };
    } catch (error) {
      if (error instanceof ParamError) {
        throw new ServiceError('clickhouse', error.message, { retriable: false, cause: error });
      }
      throw error;
    }
  }

  async exec(sql: string, params?: SqlParams): Promise<void> {
    await this.call(this.live().command(this.bind(sql, params)), 'command');
  }

  async select<T>(sql: string, params?: SqlParams): Promise<T[]> {
    const result = await this.call(
      this.live().query({ ...this.bind(sql, params), format: 'JSON' }),
      'query',
    );
    const body = await this.call(result.json<T>(), 'read result');
    return body.data;
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.call(
      this.live().insert({ table, values: rows as object[], format: 'JSONEachRow' }),
      `insert into ${table}`,
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }
}
