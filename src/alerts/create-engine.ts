/** Builds the live alert engine from config: rules file, watchlist sectors, notifiers; `bellwether run` calls this. */
import { existsSync } from 'node:fs';
import type { AlertsConfig } from '../config/alerts.ts';
import type { AlertStateStore } from '../core/alert.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { loadWatchlist } from '../topics/watchlist.ts';
import type { AlertDataSource } from './data-source.ts';
import { AlertEngine } from './engine.ts';
import { createAlertSinks } from './notify/create-sinks.ts';
import { GroupDispatcher } from './notify/dispatcher.ts';
import type { AlertSink } from './notify/types.ts';
import { loadRules } from './rules-file.ts';
import { type SectorGroups, sectorGroups } from './selector.ts';

const FLUSH_INTERVAL_MS = 1_000;

export interface LiveAlertEngine {
  engine: AlertEngine;
  sinks: AlertSink[];
  /**
   * Loads persisted state and starts the notifiers' group timers, and the node-cron schedule unless
   * `schedule` is false (a replay drives evaluations along stream time instead).
   */
  start(options?: { schedule?: boolean }): Promise<void>;
  /** Stops the schedule, then lets notifier queues drain (bounded) and closes them. */
  stop(drainTimeoutMs?: number): Promise<void>;
}

export interface CreateAlertEngineOptions {
  config: AlertsConfig;
  /** The watchlist file (topics.watchlist): sector selectors resolve through it; absent → sectors match sector keys only. */
  watchlistPath?: string | undefined;
  dataSource: AlertDataSource;
  stateStore: AlertStateStore;
  clock: Clock;
  logger: Logger;
  /** Extra sinks (e.g. the run summary collector), after the configured notifiers. */
  extraSinks?: readonly AlertSink[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Throws ConfigError (every problem at once) for a bad rules file, watchlist sector or notifier setting. */
export function createAlertEngine(options: CreateAlertEngineOptions): LiveAlertEngine {
  const { config, logger } = options;
  let groups: SectorGroups | undefined;
  let knownSectors: string[] | undefined;
  if (options.watchlistPath && existsSync(options.watchlistPath)) {
    const watchlist = loadWatchlist(options.watchlistPath);
    groups = sectorGroups(watchlist.companies);
    knownSectors = [...new Set(watchlist.companies.map((c) => c.sector))];
  }
  const rules = loadRules(config.rulesFile, { knownSectors });
  const sinks = [...createAlertSinks(config, logger, options.env), ...(options.extraSinks ?? [])];
  const engine = new AlertEngine({
    rules,
    dataSource: options.dataSource,
    stateStore: options.stateStore,
    clock: options.clock,
    logger: logger.child({ module: 'alerts' }),
    sinks,
    groups,
  });
  // Group timers run between evaluations too, so group_wait does not stretch to the next cron tick.
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  return {
    engine,
    sinks,
    async start({ schedule = true } = {}) {
      await engine.start();
      if (schedule) engine.schedule(config.evaluateCron);
      flushTimer = setInterval(() => {
        for (const sink of sinks)
          if (sink instanceof GroupDispatcher) sink.flush(options.clock.now());
      }, FLUSH_INTERVAL_MS);
      flushTimer.unref();
    },
    async stop(drainTimeoutMs = 5_000) {
      if (flushTimer) clearInterval(flushTimer);
      await engine.stop();
      await Promise.all(sinks.map((s) => s.drain?.(drainTimeoutMs)));
      await Promise.all(sinks.map((s) => s.close?.()));
    },
  };
}
