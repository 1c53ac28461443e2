/** The embedded SQL engine: chdb (ClickHouse in-process) on an on-disk data dir, queried off the event loop. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Session } from 'chdb';
import { ServiceError } from '../../core/errors.ts';
import type { SqlParams } from '../../core/store.ts';
import type { SqlEngine } from '../sql-engine.ts';
import { TRANSIENT_CLICKHOUSE_CODES } from '../transient-errors.ts';

/** The engine writes its pid into `<dir>/status` and holds a lock on it while the dir is open. */
function lockHolder(dir: string): number | undefined {
  const statusFile = `${dir}/status`;
  if (!existsSync(statusFile)) return undefined;
  const match = /PID:\s*(\d+)/.exec(readFileSync(statusFile, 'utf8'));
  const pid = match?.[1] ? Number(match[1]) : undefined;
  if (pid === undefined || pid === process.pid) return pid;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function driverMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ChdbEngine implements SqlEngine {
  readonly type = 'embedded';
  readonly location: string;
  private session: Session | undefined;
  private engineVersion = '';
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(path: string) {
    this.location = resolve(path);
  }

  async open(): Promise<void> {
    if (this.session?.open) return;
    mkdirSync(this.location, { recursive: true });
    const chdb = await import('chdb');
    try {
      this.session = new chdb.Session(this.location);
    } catch (error) {
      throw this.openError(error);
    }
    this.engineVersion = chdb.version().libchdb.replace(/"/g, '');
  }

  private openError(error: unknown): ServiceError {
    const message = driverMessage(error);
    const holder = lockHolder(this.location);
    if (holder !== undefined && holder !== process.pid) {
      return new ServiceError(
        'store',
        `embedded data dir ${this.location} is in use by process ${holder}; one process holds a data dir ` +
          'at a time: stop that process or point store.path elsewhere',
        { retriable: false, cause: error },
      );
    }
    if (/only one active data directory per process/.test(message)) {
      return new ServiceError(
        'store',
        `cannot open embedded data dir ${this.location}: this process already has another one open ` +
          '(chdb allows one per process)',
        { retriable: false, cause: error },
      );
    }
    return new ServiceError('store', `cannot open embedded data dir ${this.location}: ${message}`, {
      retriable: false,
      cause: error,
    });
  }

  describe(): string {
    return `chdb ${this.engineVersion} (server-side parameters)`;
  }

  private live(): Session {
    if (!this.session?.open) {
      throw new ServiceError('store', `embedded store at ${this.location} is not connected`, {
        retriable: false,
      });
    }
    return this.session;
  }

  /** Tracks the call so close() waits for it: releasing the session under a running query aborts it. */
  private async track<T>(work: Promise<T>, sql: string): Promise<T> {
    this.inFlight.add(work);
    try {
      return await work;
    } catch (error) {
      const code = (error as { clickhouseCode?: unknown } | null)?.clickhouseCode;
      throw new ServiceError('store', `embedded query failed: ${driverMessage(error)}`, {
        retriable: typeof code === 'number' && TRANSIENT_CLICKHOUSE_CODES.has(code),
        cause: Object.assign(error instanceof Error ? error : new Error(String(error)), {
          sql: sql.slice(0, 500),
        }),
      });
    } finally {
      this.inFlight.delete(work);
    }
  }

  async exec(sql: string, params?: SqlParams): Promise<void> {
    const session = this.live();
    await this.track(params ? session.queryBindAsync(sql, params) : session.queryAsync(sql), sql);
  }

  async select<T>(sql: string, params?: SqlParams): Promise<T[]> {
    const session = this.live();
    const options = { format: 'JSON' };
    const result = await this.track(
      params ? session.queryBindAsync(sql, params, options) : session.queryAsync(sql, options),
      sql,
    );
    return result.json<{ data: T[] }>().data;
  }

  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const session = this.live();
    // One JSONEachRow payload: the engine parses it natively, no per-row SQL is built.
    let payload = '';
    for (const row of rows) payload += `${JSON.stringify(row)}\n`;
    await this.track(
      session.insert({ table, values: Buffer.from(payload), format: 'JSONEachRow' }),
      `INSERT INTO ${table}`,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.session?.close();
    this.session = undefined;
  }
}
