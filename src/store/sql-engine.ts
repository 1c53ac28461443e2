/** The narrow SQL surface each store adapter provides; the shared store logic in sql-store.ts runs on it. */
import type { SqlParams } from '../core/store.ts';

export interface SqlEngine {
  /** Adapter name for errors and health ('embedded' | 'clickhouse'). */
  readonly type: string;
  /** Where the data lives, for logs and health (a directory or a URL and database). */
  readonly location: string;
  open(): Promise<void>;
  /** Engine version and how parameters are bound, for health and logs (valid after open). */
  describe(): string;
  /** Statements with no result (DDL, commands). */
  exec(sql: string, params?: SqlParams): Promise<void>;
  /** A read query; rows as the engine's JSON output (64-bit integers may arrive as strings). */
  select<T>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Inserts rows, as one JSONEachRow insert, into a table. */
  insert(table: string, rows: readonly object[]): Promise<void>;
  close(): Promise<void>;
}
