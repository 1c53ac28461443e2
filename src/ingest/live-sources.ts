/**
 * Starts the live sources a config asks for (feed pollers on their schedule, the HTTP push endpoint) onto a bus,
 * and stops them in drain order; `ingest` and `run` both use it.
 */
import type { IngestConfig } from '../config/ingest.ts';
import type { Bus } from '../core/bus.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { redactUrl } from '../core/redact-url.ts';
import { PushServer } from './http/push-server.ts';
import { FeedPoller } from './rss/feed-poller.ts';
import { PollScheduler } from './rss/poll-scheduler.ts';

export interface LiveSources {
  scheduler: PollScheduler | undefined;
  push: PushServer | undefined;
  /** Where the push endpoint listens, when it runs. */
  pushAddress: { host: string; port: number } | undefined;
  /** Stops polling (cancelling fetches in flight) and the push endpoint, waiting for what is mid-publish. */
  stop(): Promise<void>;
}

export interface LiveSourcesOptions {
  ingest: IngestConfig;
  bus: Bus;
  topic: string;
  logger: Logger;
  clock?: Clock;
  /** Overrides ingest.http.enabled. */
  http?: boolean;
}

export async function startLiveSources(options: LiveSourcesOptions): Promise<LiveSources> {
  const { ingest, bus, topic, logger } = options;
  const clock = options.clock ?? systemClock;
  let scheduler: PollScheduler | undefined;
  if (ingest.feeds.length > 0) {
    const deps = { bus, topic, poll: ingest.poll, clock };
    scheduler = new PollScheduler(
      ingest.feeds.map((feed) => new FeedPoller(feed, deps)),
      { poll: ingest.poll, clock, logger: logger.child({ component: 'feeds' }) },
    );
    scheduler.start();
    logger.info(
      {
        feeds: ingest.feeds.map((f) => ({
          name: f.name,
          url: redactUrl(f.url),
          intervalSec: f.intervalSec,
        })),
      },
      `polling ${ingest.feeds.length} feed(s)`,
    );
  }
  let push: PushServer | undefined;
  let pushAddress: LiveSources['pushAddress'];
  if (options.http ?? ingest.http.enabled) {
    push = new PushServer(ingest.http, {
      bus,
      topic,
      logger: logger.child({ component: 'http-push' }),
      clock,
    });
    try {
      pushAddress = await push.start();
    } catch (error) {
      await scheduler?.stop();
      throw error;
    }
  }
  return {
    scheduler,
    push,
    pushAddress,
    stop: async () => {
      await Promise.all([scheduler?.stop(), push?.close()]);
    },
  };
}
