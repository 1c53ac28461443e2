/** Reads a configuration-like file (config, rules, watchlist) as text, turning I/O failures into a ConfigError. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';

/** `what` names the file's role in the message, e.g. "cannot read rules: file not found". */
export function readConfigText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(path, [`cannot read ${what}: ${reason}`]);
  }
}
