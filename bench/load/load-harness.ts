/**
 * One pipeline under open-loop load: starts `bellwether run`'s Pipeline with the HTTP push endpoint, drives
 * schedules of phases at it, and per run measures due→stored latency (from the sink's completion, one regex
 * per stored item and a bitmap: nothing on the hot path allocates per item), items stored once, rates, drain
 * time and the process samples.
 */
import type { Config } from '../../src/config/schema.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { ScoredItem } from '../../src/core/news.ts';
import { PUSH_PATH } from '../../src/ingest/http/push-server.ts';
import { Pipeline } from '../../src/pipeline/pipeline.ts';
import { LatencyHistogram, type LatencySummary } from './histogram.ts';
import {
  type LoadPhase,
  type LoadText,
  loadStamp,
  OpenLoopGenerator,
  Schedule,
} from './open-loop.ts';
import { type Sample, Sampler } from './sampler.ts';

export interface LoadRunResult {
  phases: LoadPhase[];
  offered: number;
  offeredPerSecond: number;
  accepted: number;
  /** Distinct items of this run stored (the sink confirmed them). */
  stored: number;
  /** Items the sink confirmed more than once (redelivered; the store kept one row). */
  storedAgain: number;
  /** Stored items per second over the schedule plus its drain. */
  achievedPerSecond: number;
  /** Requests answered 429 (and retried). */
  refused: number;
  latencyMs: LatencySummary;
  octaves: Array<[number, number, number]>;
  /** Seconds from the end of the schedule until the last item was stored. */
  drainSeconds: number;
  peakRssMb: number;
  samples: Sample[];
}

/** One run's bookkeeping, fed by the sink's completions. */
class RunTally {
  readonly histogram = new LatencyHistogram();
  private readonly seen: Uint8Array;
  stored = 0;
  storedAgain = 0;
  lastStoredMs = 0;

  constructor(
    readonly runId: string,
    total: number,
  ) {
    this.seen = new Uint8Array(total);
  }

  onStored(items: readonly ScoredItem[], nowMs: number): void {
    for (const item of items) {
      const stamp = loadStamp(item.id);
      if (!stamp || stamp.runId !== this.runId) continue;
      if (this.seen[stamp.seq]) {
        this.storedAgain += 1;
        continue;
      }
      this.seen[stamp.seq] = 1;
      this.stored += 1;
      this.histogram.record(nowMs - stamp.dueMs);
      this.lastStoredMs = nowMs;
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LoadHarness {
  private pipeline: Pipeline | undefined;
  private tally: RunTally | undefined;
  private url = '';
  private runs = 0;

  constructor(
    private readonly config: Config,
    private readonly texts: readonly LoadText[],
  ) {}

  async start(): Promise<void> {
    const config = structuredClone(this.config);
    config.ingest.http = { ...config.ingest.http, enabled: true, port: 0 };
    config.web.enabled = false;
    config.alerts.enabled = false;
    this.pipeline = new Pipeline({
      config,
      logger: createLogger({ level: 'warn', pretty: false }),
      live: true,
      observer: { onStored: (items) => this.tally?.onStored(items, Date.now()) },
    });
    await this.pipeline.start();
    const address = this.pipeline.pushAddress;
    if (!address) throw new Error('the pipeline started without its push endpoint');
    this.url = `http://${address.host}:${address.port}${PUSH_PATH}`;
  }

  get backend(): string {
    return this.pipeline?.summary().backend ?? '';
  }

  /** Items taken by the push endpoint and not yet stored or dead-lettered: the consumers' lag together. */
  lag(): number {
    const progress = this.pipeline?.progress;
    if (!progress) return 0;
    return progress.ingested() - progress.sink.received - progress.score.deadLettered;
  }

  /**
   * Drives one schedule; waits up to `drainTimeoutMs` after it for every taken item to be stored. With
   * `stopAtEnd` (a capacity probe) items still due when the schedule ends are never sent.
   */
  async run(
    phases: LoadPhase[],
    options: { drainTimeoutMs?: number; stopAtEnd?: boolean } = {},
  ): Promise<LoadRunResult> {
    if (!this.pipeline) throw new Error('start() the harness first');
    const schedule = new Schedule(phases);
    const runId = `${Date.now().toString(36)}r${this.runs++}`;
    const tally = new RunTally(runId, schedule.total);
    this.tally = tally;
    const generator = new OpenLoopGenerator({
      url: this.url,
      texts: this.texts,
      runId,
      signal: options.stopAtEnd ? AbortSignal.timeout(schedule.durationMs) : undefined,
    });
    const sampler = new Sampler({
      backlog: () => generator.backlog(),
      lag: () => this.lag(),
      stored: () => tally.stored,
    });
    const startMs = Date.now();
    const sent = await generator.run(phases);
    const endOfScheduleMs = startMs + schedule.durationMs;
    const deadline = Date.now() + (options.drainTimeoutMs ?? 300_000);
    while (tally.stored < sent.accepted && Date.now() < deadline) await sleep(20);
    const samples = sampler.stop();
    this.tally = undefined;
    const latency = tally.histogram.summary();
    return {
      phases,
      offered: sent.offered,
      offeredPerSecond: Math.round(sent.offered / (schedule.durationMs / 1000)),
      accepted: sent.accepted,
      stored: tally.stored,
      storedAgain: tally.storedAgain,
      achievedPerSecond: Math.round(
        (tally.stored / (Math.max(tally.lastStoredMs, endOfScheduleMs) - startMs)) * 1000,
      ),
      refused: sent.refused,
      latencyMs: latency,
      octaves: tally.histogram.octaves(),
      drainSeconds: Math.max(0, (tally.lastStoredMs - endOfScheduleMs) / 1000),
      peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
      samples,
    };
  }

  async stop(): Promise<void> {
    await this.pipeline?.stop();
    this.pipeline = undefined;
  }
}
