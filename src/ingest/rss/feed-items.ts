/** A feed body as fetched or read (bytes + optional Content-Type) → normalized items, rejections and problems. */
import { addEntry, emptyBatch, type IngestBatch } from '../common/batch.ts';
import { decodeBytes } from '../common/charset.ts';
import { entryWhere } from '../common/problems.ts';
import { parseFeedText } from './parse-feed.ts';

export interface FeedBodyOptions {
  /** File name or feed name, for problem reports. */
  where: string;
  /** Source of items that do not name one. */
  source: string;
  fetchedAt: string;
  contentType?: string | null | undefined;
}

export async function feedBodyToItems(
  bytes: Uint8Array,
  options: FeedBodyOptions,
): Promise<IngestBatch> {
  const batch = emptyBatch();
  const decoded = decodeBytes(bytes, { contentType: options.contentType, xml: true });
  for (const note of decoded.notes)
    batch.problems.push({ kind: 'charset', where: options.where, message: note });
  const parsed = await parseFeedText(decoded.text, options.where);
  // One at a time: spreading a hostile body's 100k+ problems into push() overflows the stack.
  for (const problem of parsed.problems) batch.problems.push(problem);
  batch.rejected += parsed.failedEntries;
  for (const { raw, index } of parsed.entries) {
    addEntry(batch, raw, {
      source: options.source,
      fetchedAt: options.fetchedAt,
      where: entryWhere(options.where, index),
    });
  }
  return batch;
}
