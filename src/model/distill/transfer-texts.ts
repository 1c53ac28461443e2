/** Reads unlabelled transfer texts for distillation: one text a line (`.txt`) or JSON lines with a `text`, `headline` or `title` field. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.ts';

/** Fields a JSON line may carry its text in, first found wins (`title` is what the fixture generator writes). */
const TEXT_FIELDS = ['text', 'headline', 'title'] as const;

function textOfLine(line: string, where: string): string {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (error) {
    throw new UsageError(`--transfer ${where}: not JSON (${(error as Error).message})`);
  }
  const record = (obj ?? {}) as Record<string, unknown>;
  const field = TEXT_FIELDS.find((f) => typeof record[f] === 'string');
  if (!field)
    throw new UsageError(`--transfer ${where}: no ${TEXT_FIELDS.join(' / ')} string field`);
  return record[field] as string;
}

/** Every non-blank text of `file`, trimmed; a file that holds none is an error, not an empty set. */
export async function readTransferTexts(file: string): Promise<string[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--transfer ${file}: ${(error as Error).message}`);
  }
  const json = /\.(jsonl|ndjson)$/i.test(file);
  if (!json && !/\.txt$/i.test(file)) {
    throw new UsageError(`--transfer ${file}: expected a .txt (one text a line) or .jsonl file`);
  }
  const texts: string[] = [];
  content.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === '') return;
    const text = (json ? textOfLine(line, `${file}:${n + 1}`) : line).trim();
    if (text !== '') texts.push(text);
  });
  if (texts.length === 0) throw new UsageError(`--transfer ${file}: no texts in it`);
  return texts;
}
