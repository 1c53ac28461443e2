/**
 * A recorded stream made n times as long for bench:pipeline --copies: each source file is copied n times
 * under another name (`northwire.rss.xml` → `northwire-2.rss.xml`), and a file's name is its items' source,
 * so every copy is a source of its own and none of its items is a duplicate of another copy's. A longer
 * run makes start-up and warm-up a small part of the timed window. No manifest is written: duplicates
 * that the original finds across its files are not all duplicates between renamed copies, so its counts
 * would not scale exactly.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSourceFiles } from '../src/ingest/replay/read-stream.ts';

/** Writes the copies into `into` (an empty directory) and returns it. */
export async function copyStream(dir: string, copies: number, into: string): Promise<string> {
  if (!Number.isInteger(copies) || copies < 1) {
    throw new Error(`--copies takes a whole number of at least 1, not ${copies}`);
  }
  const files = await listSourceFiles(dir);
  if (files.length === 0) throw new Error(`${dir} holds no stream files`);
  for (const file of files) {
    const suffix = file.name.slice(file.source.length);
    for (let k = 1; k <= copies; k++) {
      const name = `${file.source}-${k}${suffix}`;
      copyFileSync(join(dir, file.name), join(into, name));
    }
  }
  return into;
}
