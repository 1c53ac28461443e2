/** Prometheus metrics for every stage (prom-client), one registry per process, served on /metrics. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StageCounters } from '../core/stage-counters.ts';

export class PipelineMetrics {
  readonly registry = new Registry();

  constructor() {
    // Process metrics (CPU, memory, event-loop lag, GC) with the same prefix as ours.
    collectDefaultMetrics({ register: this.registry, prefix: 'bellwether_process_' });
  }

  readonly itemsIn = new Counter({
    name: 'bellwether_items_in_total',
    help: 'Messages taken off a stage input topic and handled (committed).',
    labelNames: ['stage'],
    registers: [this.registry],
  });
  readonly itemsOut = new Counter({
    name: 'bellwether_items_out_total',
    help: 'Items a stage passed on: published (ingest, score) or newly stored (sink).',
    labelNames: ['stage'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'bellwether_dlq_total',
    help: 'Messages routed to the dead-letter topic, by stage.',
    labelNames: ['stage'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'bellwether_sink_duplicates_total',
    help: 'Scored items the store already held (redeliveries, replays); not counted twice.',
    registers: [this.registry],
  });
  readonly entityFailures = new Counter({
    name: 'bellwether_entity_scoring_failures_total',
    help: 'Scored items left without per-company sentiment because the entity scorer failed (they keep the headline score).',
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'bellwether_batch_size',
    help: 'Messages per handled batch, by stage.',
    labelNames: ['stage'],
    buckets: [1, 8, 32, 64, 128, 256, 512, 1024, 4096, 16_384],
    registers: [this.registry],
  });
  readonly scoringSeconds = new Histogram({
    name: 'bellwether_scoring_seconds',
    help: 'Model time per scored batch.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly storeWriteSeconds = new Histogram({
    name: 'bellwether_store_write_seconds',
    help: 'Store write time per sink batch.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'bellwether_consumer_lag',
    help: "Messages on a stage input topic not yet handled: in score/sink processes the consumer group's committed lag read from the bus (the same for every member), in bellwether run this process's own counts.",
    labelNames: ['stage'],
    registers: [this.registry],
  });
  readonly alertEvaluations = new Counter({
    name: 'bellwether_alert_evaluations_total',
    help: 'Alert rule evaluation rounds.',
    registers: [this.registry],
  });
  readonly alertTransitions = new Counter({
    name: 'bellwether_alert_transitions_total',
    help: 'Alert state transitions, by target state.',
    labelNames: ['to'],
    registers: [this.registry],
  });
  readonly eventStreamsDropped = new Counter({
    name: 'bellwether_web_event_streams_dropped_total',
    help: 'Dashboard event streams cut off because their client stopped reading (its socket stayed full).',
    registers: [this.registry],
  });
  readonly backend = new Gauge({
    name: 'bellwether_model_backend_info',
    help: 'The TensorFlow.js backend and model version in use (value 1).',
    labelNames: ['backend', 'model_version'],
    registers: [this.registry],
  });

  /**
   * Mirrors a stage's counters into the registry. Counters are cumulative in the stage, so only the
   * difference since the last sync is added.
   */
  syncStage(stage: string, counters: StageCounters): void {
    const last = this.lastSeen.get(stage) ?? {
      received: 0,
      emitted: 0,
      deadLettered: 0,
      duplicates: 0,
    };
    this.itemsIn.inc({ stage }, counters.received - last.received);
    this.itemsOut.inc({ stage }, counters.emitted - last.emitted);
    this.deadLettered.inc({ stage }, counters.deadLettered - last.deadLettered);
    if (stage === 'sink') this.duplicates.inc(counters.duplicates - last.duplicates);
    this.lastSeen.set(stage, {
      received: counters.received,
      emitted: counters.emitted,
      deadLettered: counters.deadLettered,
      duplicates: counters.duplicates,
    });
  }

  /** Mirrors the count of items this process put on the raw topic. */
  syncIngested(total: number): void {
    this.itemsOut.inc({ stage: 'ingest' }, Math.max(0, total - this.lastIngested));
    this.lastIngested = Math.max(this.lastIngested, total);
  }

  private lastIngested = 0;
  private readonly lastSeen = new Map<
    string,
    { received: number; emitted: number; deadLettered: number; duplicates: number }
  >();
}
