/** Structured logging: JSON lines for machines, pretty lines on a terminal; every module takes a child logger. */
import { pino } from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Pretty, colored output; defaults to whether stderr is a terminal. */
  pretty?: boolean;
}

/** Logs go to stderr so that stdout stays clean for `--json` output. */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    return pino({
      level: options.level,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        },
      },
    });
  }
  return pino(
    { level: options.level, base: { pid: process.pid } },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that drops everything: for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
