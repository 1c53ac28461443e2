/**
 * The whole pipeline in one process (what `bellwether run` and `npm start` start): sources → bus → scorer →
 * bus → sink → store, the alert engine on the store, and the web server (dashboard, API, metrics, health).
 * Works on either bus and either store; stops in order so that nothing in flight is lost.
 */
import { createAlertEngine, type LiveAlertEngine } from '../alerts/create-engine.ts';
import { storeDataSource } from '../alerts/store-data-source.ts';
import type { Config } from '../config/schema.ts';
import type { Bus } from '../core/bus.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import type { SentimentScorer } from '../core/scorer.ts';
import { StageCounters } from '../core/stage-counters.ts';
import type { Store } from '../core/store.ts';
import { untilAborted } from '../core/until-aborted.ts';
import { type LiveSources, startLiveSources } from '../ingest/live-sources.ts';
import { readStream } from '../ingest/replay/read-stream.ts';
import type { ReplaySpeed } from '../ingest/replay/replay-stream.ts';
import { type EntityScoring, type EntityTally, entityTally } from '../scoring/entity-scoring.ts';
import { ScoreStage } from '../scoring/score-stage.ts';
import { SinkStage } from '../sink/sink-stage.ts';
import { StoryAssigner } from '../stories/story-assigner.ts';
import type { WebServer } from '../web/server.ts';
import { ReplayAlertDriver } from './alert-driver.ts';
import { AlertRecorder, type AlertSummary } from './alert-recorder.ts';
import { BackgroundTasks } from './background-tasks.ts';
import { entityScorerLoader, openBus, openScorer, openStore, openTopics } from './components.ts';
import { isDrained, type PipelineProgress, waitUntilDrained } from './drain.ts';
import { type EntityScorerLoader, openEntityScoring } from './entity-scoring.ts';
import { PipelineMetrics } from './metrics.ts';
import { playPaced } from './paced-replay.ts';
import { ReplayWatermark } from './replay-watermark.ts';
import { StreamClock } from './stream-clock.ts';
import { startPipelineWeb } from './web-routes.ts';

export interface PipelineOptions {
  config: Config;
  logger: Logger;
  /** A stream directory to replay onto the bus, and how fast. */
  replay?: ReplayPlan | undefined;
  /** Start the configured feeds and the HTTP push endpoint (when enabled). */
  live?: boolean;
  /** A connected bus to run on instead of opening `config.bus` (embedding; tests inject faults through it). Closed on stop. */
  bus?: Bus | undefined;
  /**
   * Stream time between alert evaluations during a replay; default one minute, five at --speed max, where
   * the whole timeline is evaluated as a catch-up once the stream is stored.
   */
  alertStepMs?: number;
  wall?: Clock;
  /** Loads the entity model when `scoring.entities.mode` is not off (tests and benches pass their own). */
  entityLoader?: EntityScorerLoader | undefined;
  /** Hooks for benchmarks: per scored batch and per stored batch, with the time the stage spent. */
  observer?: {
    onScored?(size: number, ms: number): void;
    onStored?(items: readonly ScoredItem[], ms: number): void;
  };
}

export interface ReplayPlan {
  dir: string;
  speed: ReplaySpeed;
  /** Stream time published at full speed before pacing by `speed` starts. */
  fastForwardMs?: number | undefined;
}

export interface RunSummary {
  ingested: number;
  scored: number;
  /** Items confirmed in the store: newly inserted plus already there. */
  stored: number;
  inserted: number;
  duplicates: number;
  dlq: number;
  /** Alert episodes fired in this run; `alerts` lists the latest of them (a bounded list). */
  alertsFired: number;
  alerts: AlertSummary[];
  replay?: { stream: string; duplicates: number; rejected: number; problems: number } | undefined;
  modelVersion: string;
  backend: string;
  /** Per-company sentiment, when entity scoring is on: items that got it, scores given, items left without. */
  entities?: EntityTally | undefined;
  elapsedMs: number;
}

const NOTHING_YET = new StageCounters();

export class Pipeline {
  readonly metrics = new PipelineMetrics();
  readonly clock: StreamClock;
  private bus: Bus | undefined;
  private store: Store | undefined;
  private scorer: SentimentScorer | undefined;
  private entityScoring: EntityScoring | undefined;
  private scoreStage: ScoreStage | undefined;
  private sinkStage: SinkStage | undefined;
  private alerting: LiveAlertEngine | undefined;
  private driver: ReplayAlertDriver | undefined;
  private web: WebServer | undefined;
  private readonly recorder: AlertRecorder;
  private readonly stopSources = new AbortController();
  /** The replay runs in the background: a failure is logged, reported to whoever waits, and the pipeline drains. */
  private readonly tasks: BackgroundTasks;
  private replayed = 0;
  /**
   * Set when this run's only input, a replay, has been published in full: after that nothing more reaches
   * the raw topic, and once the scorer has taken it all nothing more reaches the scored one, so neither
   * stage holds a last partial batch for its linger (SubscribeOptions.moreExpected).
   */
  private inputEnded = false;
  private readonly watermark = new ReplayWatermark();
  private live: LiveSources | undefined;
  private replayRun: Promise<void> | undefined;
  private replayInfo: RunSummary['replay'];
  private readonly startedAt = performance.now();

  constructor(private readonly options: PipelineOptions) {
    this.clock = new StreamClock(options.wall ?? systemClock);
    this.tasks = new BackgroundTasks(options.logger);
    this.recorder = new AlertRecorder((transitions) => {
      this.metrics.alertEvaluations.inc();
      for (const transition of transitions)
        this.metrics.alertTransitions.inc({ to: transition.to });
    });
  }

  /** Where the HTTP push endpoint listens once started with `live` and ingest.http enabled (port 0 picks one). */
  get pushAddress(): { host: string; port: number } | undefined {
    return this.live?.pushAddress;
  }

  get progress(): PipelineProgress {
    return {
      ingested: () => this.ingested(),
      score: this.scoreStage?.counters ?? NOTHING_YET,
      sink: this.sinkStage?.counters ?? NOTHING_YET,
    };
  }

  /** Items that went all the way: stored by the sink, or dead-lettered on the way. */
  private handled(): number {
    const { score, sink } = this.progress;
    return sink.received + score.deadLettered;
  }

  /** Items this process put on the raw topic: replayed, polled from feeds, pushed over HTTP. */
  private ingested(): number {
    const polled =
      this.live?.scheduler?.status().reduce((sum, feed) => sum + feed.published, 0) ?? 0;
    return this.replayed + polled + (this.live?.push?.counters.accepted ?? 0);
  }

  /** Opens every component and starts the stages, the web server, the alerts and the replay. */
  async start(): Promise<void> {
    const { config, logger } = this.options;
    // Entity scoring first: a missing entity model stops the start before anything is connected.
    const topics = openTopics(config.topics, logger);
    this.entityScoring = await openEntityScoring({
      config: config.scoring.entities,
      mentions: topics,
      load: this.options.entityLoader ?? entityScorerLoader(config.model.backend),
      logger,
      onFailure: (items) => this.metrics.entityFailures.inc(items),
    });
    this.bus = this.options.bus ?? (await openBus(config.bus, logger));
    this.store = await openStore(config.store, logger);
    this.scorer = await openScorer(config.model, logger);
    this.metrics.backend.set(
      { backend: this.scorer.backend, model_version: this.scorer.modelVersion },
      1,
    );
    const { raw, scored, dlq } = config.bus.topics;

    this.sinkStage = new SinkStage({
      bus: this.bus,
      store: this.store,
      inputTopic: scored,
      dlqTopic: dlq,
      ...config.sink,
      moreExpected: () => !(this.inputEnded && this.progress.score.received >= this.ingested()),
      logger: logger.child({ stage: 'sink' }),
      stories: new StoryAssigner(this.store, logger.child({ stage: 'stories' }), config.stories),
      onWrite: (items, ms) => {
        this.metrics.batchSize.observe({ stage: 'sink' }, items.length);
        this.metrics.storeWriteSeconds.observe(ms / 1000);
        this.options.observer?.onStored?.(items, ms);
      },
    });
    this.scoreStage = new ScoreStage({
      bus: this.bus,
      scorer: this.scorer,
      topics,
      inputTopic: raw,
      outputTopic: scored,
      dlqTopic: dlq,
      ...config.scoring,
      moreExpected: () => !this.inputEnded,
      // On the memory bus a second member costs nothing and keeps the scoring workers fed while this
      // thread runs the sink; a Kafka stage scales by processes instead (docs/operations.md).
      concurrency: config.bus.type === 'memory' ? 2 : 1,
      entityScoring: this.entityScoring,
      clock: systemClock,
      logger: logger.child({ stage: 'score' }),
      onBatch: (size, ms) => {
        this.metrics.batchSize.observe({ stage: 'score' }, size);
        this.metrics.scoringSeconds.observe(ms / 1000);
        this.options.observer?.onScored?.(size, ms);
      },
    });
    await this.sinkStage.start();
    await this.scoreStage.start();

    if (config.alerts.enabled) {
      this.alerting = createAlertEngine({
        config: config.alerts,
        watchlistPath: config.topics.watchlist,
        dataSource: storeDataSource(this.store),
        stateStore: this.store,
        clock: this.clock,
        logger,
        extraSinks: [this.recorder],
      });
      // A replay drives evaluations along stream time; live sources use the cron schedule.
      await this.alerting.start({ schedule: !this.options.replay });
    }
    if (config.web.enabled) {
      this.web = await startPipelineWeb({
        config: config.web,
        store: this.store,
        bus: this.bus,
        scorer: this.scorer,
        entities: this.entityScoring?.scorer,
        clock: this.clock,
        metrics: this.metrics,
        progress: this.progress,
        logger,
      });
    }
    if (this.options.live) {
      this.live = await startLiveSources({
        ingest: config.ingest,
        bus: this.bus,
        topic: raw,
        logger,
      });
    }
    const replay = this.options.replay;
    if (replay) {
      this.replayRun = this.tasks.run('replay', { stream: replay.dir, speed: replay.speed }, () =>
        this.startReplay(replay),
      );
    }
  }

  private async startReplay(replay: ReplayPlan): Promise<void> {
    const { config, logger } = this.options;
    const bus = this.bus;
    if (!bus) return;
    const contents = await readStream(replay.dir);
    this.replayInfo = {
      stream: replay.dir,
      duplicates: contents.duplicates,
      rejected: contents.rejected,
      problems: contents.problems.length,
    };
    for (const problem of contents.problems.slice(0, 20))
      logger.warn({ problem }, 'replay: input problem');
    const startMs = contents.streamStart ? Date.parse(contents.streamStart) : this.clock.now();
    const endMs = contents.streamEnd ? Date.parse(contents.streamEnd) : startMs;
    this.clock.advanceTo(startMs);
    if (this.alerting) {
      this.driver = new ReplayAlertDriver({
        engine: this.alerting.engine,
        // Evaluate up to the stream time whose items are all stored; once drained, up to the clock.
        streamNow: () =>
          isDrained(this.progress)
            ? this.clock.now()
            : (this.watermark.at(this.handled()) ?? Number.NaN),
        stepMs: this.options.alertStepMs ?? (replay.speed === 'max' ? 300_000 : 60_000),
        fromMs: startMs,
        logger,
      });
      // Paced replays evaluate live; at --speed max the timeline is evaluated once it is all stored.
      if (replay.speed !== 'max') this.driver.start();
    }
    logger.info(
      {
        stream: replay.dir,
        items: contents.items.length,
        speed: replay.speed,
        from: contents.streamStart,
        to: contents.streamEnd,
      },
      'replay started',
    );
    const result = await playPaced(contents, {
      bus,
      topic: config.bus.topics.raw,
      speed: replay.speed,
      fastForwardMs: replay.fastForwardMs ?? 0,
      signal: this.stopSources.signal,
      logger,
      onProgress: (published, streamMs) => {
        this.replayed = published;
        if (streamMs !== undefined) {
          this.clock.advanceTo(streamMs);
          this.watermark.record(published, streamMs);
        }
      },
    });
    this.replayed = result.published;
    if (!this.options.live) this.inputEnded = true;
    this.clock.advanceTo(endMs);
    logger.info({ published: result.published, aborted: result.aborted }, 'replay finished');
    const driver = this.driver;
    if (
      driver &&
      !result.aborted &&
      (await waitUntilDrained(this.progress, this.stopSources.signal))
    ) {
      logger.info(
        { evaluations: driver.evaluations },
        'replay stored; evaluating alerts up to the end of the stream',
      );
      await driver.flush();
      logger.info({ evaluations: driver.evaluations }, 'alert evaluation caught up');
    }
  }

  /**
   * Resolves once the replay (if any) is fully published, scored, stored, and alerts are evaluated up to its end;
   * throws the replay's error if it failed (already logged with its context).
   */
  async untilDrained(signal: AbortSignal): Promise<boolean> {
    await Promise.race([this.replayRun, untilAborted(signal)]);
    this.tasks.throwIfFailed();
    return waitUntilDrained(this.progress, signal);
  }

  /** Resolves when `signal` aborts (Ctrl-C); throws as soon as a background task fails, so the caller stops and exits non-zero. */
  async untilStopped(signal: AbortSignal): Promise<void> {
    await Promise.race([this.tasks.failed, untilAborted(signal)]);
    this.tasks.throwIfFailed();
  }

  summary(): RunSummary {
    const score = this.scoreStage?.counters;
    const sink = this.sinkStage?.counters;
    return {
      ingested: this.ingested(),
      scored: score?.emitted ?? 0,
      stored: (sink?.emitted ?? 0) + (sink?.duplicates ?? 0),
      inserted: sink?.emitted ?? 0,
      duplicates: sink?.duplicates ?? 0,
      dlq: (score?.deadLettered ?? 0) + (sink?.deadLettered ?? 0),
      alertsFired: this.recorder.firedTotal,
      alerts: this.recorder.fired,
      replay: this.replayInfo,
      modelVersion: this.scorer?.modelVersion ?? '',
      backend: this.scorer?.backend ?? '',
      entities: entityTally(this.entityScoring?.counters),
      elapsedMs: Math.round(performance.now() - this.startedAt),
    };
  }

  /**
   * Stops sources first, gives in-flight items a bounded time to reach the store, then stops stages
   * (an unfinished batch stays uncommitted), the alerts, the web server, and closes the store and bus.
   */
  async stop(drainTimeoutMs = 10_000): Promise<void> {
    const { logger } = this.options;
    this.stopSources.abort();
    await this.live?.stop();
    await this.tasks.settled();
    const drainSignal = AbortSignal.timeout(drainTimeoutMs);
    if (!(await waitUntilDrained(this.progress, drainSignal))) {
      logger.warn(
        'stopping before the pipeline drained; undelivered items stay on the bus for the next start',
      );
    }
    await this.driver?.stop();
    await this.alerting?.stop();
    await this.scoreStage?.stop();
    await this.sinkStage?.stop();
    await this.web?.close();
    await this.scorer?.close();
    await this.entityScoring?.scorer.close();
    await this.store?.close();
    await this.bus?.close();
  }
}
