/** Versioned schema migrations: src/store/schema/NNN-name.sql applied in order and recorded in schema_migrations. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MigrationReport } from '../core/store.ts';
import type { SqlEngine } from './sql-engine.ts';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const SCHEMA_DIR = fileURLToPath(new URL('./schema/', import.meta.url));
const FILE_NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/** Splits a migration file into statements: `--` comment lines dropped, `;` at a line end separates. */
export function splitStatements(text: string): string[] {
  const body = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return body
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function loadMigrations(dir: string = SCHEMA_DIR): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match?.[1] || !match[2]) continue;
    migrations.push({
      version: Number(match[1]),
      name: `${match[1]}-${match[2]}`,
      statements: splitStatements(readFileSync(`${dir}/${file}`, 'utf8')),
    });
  }
  const versions = migrations.map((m) => m.version);
  if (new Set(versions).size !== versions.length) {
    throw new Error(`duplicate migration versions in ${dir}: ${versions.join(', ')}`);
  }
  return migrations;
}

/** ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS: such a statement (one column each) is skipped once done. */
const ADD_COLUMN = /^ALTER TABLE (\w+) ADD COLUMN (\w+)\b/;

async function columnExists(engine: SqlEngine, statement: string): Promise<boolean> {
  const match = ADD_COLUMN.exec(statement);
  if (!match) return false;
  const rows = await engine.select<{ n: number | string }>(
    `SELECT count() AS n FROM system.columns
     WHERE database = currentDatabase() AND table = {table:String} AND name = {column:String}`,
    { table: match[1] ?? '', column: match[2] ?? '' },
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Applies the migrations not yet recorded. Every statement is IF NOT EXISTS (or an ADD COLUMN skipped when
 * the column exists), so a migration that failed half-way is simply run again; it is recorded only once all its statements succeeded.
 */
export async function applyMigrations(
  engine: SqlEngine,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationReport> {
  await engine.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32,
      name String,
      applied_at DateTime('UTC')
    ) ENGINE = MergeTree ORDER BY version`,
  );
  const rows = await engine.select<{ version: number | string }>(
    'SELECT DISTINCT version FROM schema_migrations',
  );
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements) {
      if (await columnExists(engine, statement)) continue;
      await engine.exec(statement);
    }
    await engine.insert('schema_migrations', [
      {
        version: migration.version,
        name: migration.name,
        applied_at: Math.floor(Date.now() / 1000),
      },
    ]);
    applied.push(migration.name);
    done.add(migration.version);
  }
  return { applied, version: Math.max(0, ...done) };
}
