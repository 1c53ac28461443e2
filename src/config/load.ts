/** The only reader of config files and environment: parses once into a typed Config, reporting every problem at once. */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { applyEnvOverrides } from './env.ts';
import { readConfigText } from './read-text.ts';
import { type Config, configSchema } from './schema.ts';

/** `path.to.field: message` for every issue zod found. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
}

function readConfigFile(path: string): Record<string, unknown> {
  const text = readConfigText(path, 'config');
  let parsed: unknown;
  try {
    parsed = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [
      `not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(path, ['(root): expected a mapping of sections (bus, store, model, …)']);
  }
  return parsed as Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  /** Where it came from, for the startup log line. */
  source: string;
  envApplied: string[];
}

/** Parses a raw object (file contents with env applied) against the schema. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

/**
 * Loads `path` (YAML or JSON) — or `$BELLWETHER_CONFIG`, or nothing, giving the embedded defaults —
 * then applies environment overrides and validates the lot.
 */
export function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  const file = path ?? env.BELLWETHER_CONFIG;
  const raw = file ? readConfigFile(file) : {};
  const envApplied = applyEnvOverrides(raw, env);
  const source = file ?? 'defaults';
  return { config: parseConfig(raw, source), source, envApplied };
}
