/** Worker-thread side of off-thread feed parsing: turns each body it is sent into an IngestBatch. */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../../core/errors.ts';
import type { IngestBatch } from '../common/batch.ts';
import { type FeedBodyOptions, feedBodyToItems } from './feed-items.ts';

export type ParseRequest = { id: number; bytes: Uint8Array; options: FeedBodyOptions };
export type ParseReply = { id: number; batch: IngestBatch } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error('feed-parse-worker must run in a worker thread');
port.on('message', async (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, batch: await feedBodyToItems(request.bytes, request.options) };
  } catch (error) {
    reply = { id: request.id, error: describeError(error) };
  }
  port.postMessage(reply);
});
