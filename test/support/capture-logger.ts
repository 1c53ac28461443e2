/** A real pino logger whose JSON lines land in an array, so a test can assert on what was logged. */
import { Writable } from 'node:stream';
import { pino } from 'pino';

export type LogLine = Record<string, unknown> & { level: number; msg: string };

export function captureLogger(level: pino.Level = 'debug'): {
  logger: pino.Logger;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
