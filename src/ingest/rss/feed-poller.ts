/**
 * One feed's polling state and a single poll: conditional fetch, decode, parse, drop ids seen in earlier
 * polls, publish the rest. Validators and seen ids are updated only after the bus took the items, so a
 * failed publish is retried in full by the next poll.
 */
import type { FeedConfig, PollConfig } from '../../config/ingest.ts';
import type { Bus } from '../../core/bus.ts';
import type { Clock } from '../../core/clock.ts';
import type { NewsItem } from '../../core/news.ts';
import type { IngestProblem } from '../common/problems.ts';
import { publishItems } from '../common/publish-items.ts';
import { SeenIds } from '../common/seen-ids.ts';
import { FeedFetchError, type FeedValidators, fetchFeed } from './fetch-feed.ts';
import { parseFeedBodyOffThread } from './off-thread-parse.ts';

export type PollResult =
  | { status: 'not-modified' }
  | {
      status: 'ok';
      published: number;
      /** Items already published by an earlier poll (or repeated within this one). */
      seen: number;
      rejected: number;
      problems: IngestProblem[];
    };

export interface FeedPollerDeps {
  bus: Bus;
  topic: string;
  poll: PollConfig;
  clock: Clock;
}

export class FeedPoller {
  private validators: FeedValidators = {};
  private readonly seen: SeenIds;

  constructor(
    readonly feed: FeedConfig,
    private readonly deps: FeedPollerDeps,
  ) {
    this.seen = new SeenIds(deps.poll.seenIdsPerFeed);
  }

  /** Throws FeedFetchError (fetch/HTTP) or the bus's error (publish); the scheduler backs off on either. */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { feed, deps } = this;
    const outcome = await fetchFeed(feed.name, feed.url, {
      validators: this.validators,
      timeoutMs: feed.timeoutMs,
      maxBodyBytes: deps.poll.maxBodyBytes,
      userAgent: deps.poll.userAgent,
      signal,
    });
    if (outcome.status === 'not-modified') return { status: 'not-modified' };
    const batch = await parseFeedBodyOffThread(outcome.bytes, {
      where: feed.name,
      source: feed.name,
      fetchedAt: new Date(deps.clock.now()).toISOString(),
      contentType: outcome.contentType,
    });
    const unreadable = batch.problems.find((problem) => problem.kind === 'unreadable');
    if (unreadable && batch.items.length === 0) {
      // An error page served with 200 is a failed poll: back off, and keep the old validators.
      throw new FeedFetchError(feed.name, `unreadable body: ${unreadable.message}`);
    }
    const fresh: NewsItem[] = [];
    const thisPoll = new Set<string>();
    for (const item of batch.items) {
      if (this.seen.has(item.id) || thisPoll.has(item.id)) continue;
      thisPoll.add(item.id);
      fresh.push(item);
    }
    await publishItems(deps.bus, deps.topic, fresh);
    // Every id still in the feed is refreshed, so a long-lived item is not evicted and republished.
    for (const item of batch.items) this.seen.add(item.id);
    this.validators = outcome.validators;
    return {
      status: 'ok',
      published: fresh.length,
      seen: batch.items.length - fresh.length,
      rejected: batch.rejected,
      problems: batch.problems,
    };
  }
}
