/** Flag parsers shared by several commands, each failing with a UsageError that names the flag. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { ReplaySpeed } from '../ingest/replay/replay-stream.ts';

export function parseSpeed(value: string): ReplaySpeed {
  if (value === 'max') return 'max';
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`--speed must be a positive number or "max", got "${value}"`);
  }
  return speed;
}

/** A finite number from a flag's value, or a usage error naming the flag. */
export function parseNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got ${value}`);
  return n;
}

export function parsePositiveInt(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return parsed;
}

/**
 * Finds a stream directory: the path as given, or the bundled stream of that name
 * (`shock-tsla`, `fixtures/shock-tsla` → `fixtures/streams/shock-tsla`).
 */
export function resolveStreamDir(given: string): string {
  if (existsSync(join(given, 'manifest.json')) || existsSync(given)) return given;
  const name = given.replace(/\/+$/, '').split('/').pop() ?? given;
  const bundled = join('fixtures', 'streams', name);
  if (existsSync(bundled)) return bundled;
  throw new UsageError(
    `no stream directory at "${given}" (bundled streams live in fixtures/streams/)`,
  );
}
