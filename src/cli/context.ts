/** What every command starts from: the parsed config and a logger, built from the global flags. */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, type Logger, type LogLevel } from '../core/logger.ts';

export interface GlobalOptions {
  config?: string;
  logLevel?: LogLevel;
}

export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** Reads the global options from the root program, whichever subcommand is running. */
export function globalOptions(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  return root.opts<GlobalOptions>();
}

/**
 * Loads config (file, env, flags) and makes the logger. Config errors throw ConfigError with every problem.
 * `flagEnv` maps override variables (src/config/env.ts) to flag values, so a flag acts exactly like its
 * environment variable and is validated with the rest; `overrides` edits the parsed config afterwards.
 */
export function createContext(
  command: Command,
  overrides: (config: Config) => void = () => {},
  flagEnv: Readonly<Record<string, string | undefined>> = {},
): CommandContext {
  const options = globalOptions(command);
  const defined = Object.fromEntries(
    Object.entries(flagEnv).filter(([, value]) => value !== undefined),
  );
  const { config, source, envApplied } = loadConfig(options.config, { ...process.env, ...defined });
  if (options.logLevel) config.log.level = options.logLevel;
  overrides(config);
  const logger = createLogger({ level: config.log.level });
  logger.debug({ source, envApplied }, 'config loaded');
  return { config, logger };
}
