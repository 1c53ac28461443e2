/** What a backtest reads its history from (a data source and the span it covers), and the one read from a JSON Lines file of scored items. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../core/errors.ts';
import { scoredItemSchema } from '../core/news.ts';
import { type AlertDataSource, MemoryDataSource, mentionsOf } from './data-source.ts';

export interface BacktestSource {
  /** Shown in the report: what the history is. */
  description: string;
  dataSource: AlertDataSource;
  /** First and last item times, to default --from/--to; undefined when unknown or empty. */
  span?: { fromMs: number; toMs: number } | undefined;
  /** Lines or records that were not usable, with where they were. */
  skipped: string[];
  close?(): Promise<void>;
}

/** Reads JSON Lines of ScoredItem; bad lines are listed (line number and reason) and skipped. */
export async function scoredJsonlSource(path: string): Promise<BacktestSource> {
  const items = [];
  const skipped: string[] = [];
  let lineNo = 0;
  try {
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        skipped.push(`${path}:${lineNo}: not JSON (${(error as Error).message})`);
        continue;
      }
      const parsed = scoredItemSchema.safeParse(raw);
      if (parsed.success) items.push(parsed.data);
      else {
        const issue = parsed.error.issues[0];
        skipped.push(
          `${path}:${lineNo}: ${issue?.path.join('.') || '(item)'}: ${issue?.message ?? 'invalid'}`,
        );
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      `cannot read scored items: ${code === 'ENOENT' ? 'file not found' : String(error)}`,
    ]);
  }
  const source = new MemoryDataSource(mentionsOf(items));
  return {
    description: `${items.length} scored items from ${path}`,
    dataSource: source,
    span: source.span(),
    skipped,
  };
}
