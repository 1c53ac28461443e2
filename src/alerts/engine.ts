/** The alert engine: evaluates every rule against the data source at an instant, steps each instance, persists and notifies. */
import cron, { type ScheduledTask } from 'node-cron';
import {
  type Alert,
  type AlertStateStore,
  type AlertTransition,
  alertFingerprint,
} from '../core/alert.ts';
import type { Clock } from '../core/clock.ts';
import { formatDuration } from '../core/duration.ts';
import { describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { TopicKind } from '../core/news.ts';
import type { TopicWindowCounts } from '../core/rollup.ts';
import type { AlertDataSource } from './data-source.ts';
import {
  type DetectorInput,
  type DetectorResult,
  planWindows,
  runDetector,
  type WindowCounts,
} from './detectors/index.ts';
import { EMPTY_COUNTS, type TimeRange } from './detectors/types.ts';
import type { AlertSink, EvaluationOutcome } from './notify/types.ts';
import { endOrphans, instanceLabels } from './reconcile.ts';
import type { Rule, RulesFile } from './rules-schema.ts';
import { type CompiledSelector, compileSelector, type SectorGroups } from './selector.ts';
import { type Observation, stepAlert } from './state-machine.ts';
import { renderTemplate } from './template.ts';

export interface AlertEngineOptions {
  rules: RulesFile;
  dataSource: AlertDataSource;
  stateStore: AlertStateStore;
  clock: Clock;
  logger?: Logger | undefined;
  sinks?: readonly AlertSink[] | undefined;
  groups?: SectorGroups | undefined;
  /** Headlines fetched into annotations when an instance starts pending or firing. */
  headlineLimit?: number | undefined;
  modelVersion?: string | undefined;
}

const DEFAULT_SUMMARY =
  '{{rule}}: {{kind}} {{topic}} negative share {{share}} (baseline {{baselineShare}})';
const DEFAULT_DESCRIPTION =
  '{{negatives}} of {{count}} items negative over {{window}} vs {{baselineShare}} over the previous {{baseline}}. Top headlines: {{headlines}}';

interface CompiledRule {
  rule: Rule;
  selector: CompiledSelector;
}

/** What one evaluation (or reconciliation) changed: transitions to record, instances to save. */
interface Round {
  nowMs: number;
  transitions: AlertTransition[];
  changed: Map<string, Alert>;
}

const newRound = (nowMs: number): Round => ({ nowMs, transitions: [], changed: new Map() });

const topicId = (kind: string, key: string): string => `${kind}\u0000${key}`;

function toCounts(row: TopicWindowCounts | undefined): WindowCounts {
  return row
    ? {
        count: row.count,
        negatives: row.negatives,
        positives: row.positives,
        scoreSum: row.scoreSum,
        stories: row.stories,
        negativeStories: row.negativeStories,
      }
    : EMPTY_COUNTS;
}

/** Numeric detector values as annotations (names in snake_case, four decimals at most). */
function valueAnnotations(result: DetectorResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.values)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[snake] = String(Math.round(value * 10_000) / 10_000);
  }
  return out;
}

export class AlertEngine {
  private readonly rules: CompiledRule[];
  private readonly alerts = new Map<string, Alert>();
  private readonly sinks: readonly AlertSink[];
  private loaded = false;
  private running: Promise<EvaluationOutcome> | undefined;
  private task: ScheduledTask | undefined;

  constructor(private readonly options: AlertEngineOptions) {
    this.rules = options.rules.rules.map((rule) => ({
      rule,
      selector: compileSelector(rule.select, options.groups),
    }));
    this.sinks = options.sinks ?? [];
  }

  /**
   * Loads persisted instances (a restart neither re-fires nor forgets), seeds the sinks with them, then
   * reconciles them with the rules as they are now.
   */
  async start(): Promise<void> {
    if (this.loaded) return;
    const stored = await this.options.stateStore.loadAlertStates();
    for (const alert of stored) {
      if (alert.state === 'inactive') continue;
      this.alerts.set(alertFingerprint(alert.rule, alert.labels), alert);
    }
    this.loaded = true;
    const nowMs = this.options.clock.now();
    for (const sink of this.sinks) sink.seed?.([...this.alerts.values()], nowMs);
    const ended = await this.reconcile(nowMs);
    this.options.logger?.info(
      { rules: this.rules.length, restored: this.alerts.size, ended: ended.transitions.length },
      'alert engine started',
    );
  }

  /**
   * Ends the instances no rule produces any more (rule removed, labels edited, topic no longer selected):
   * evaluations never reach them, so left alone they would fire, and be re-notified, forever. Their
   * resolutions are saved and handed to the sinks like an evaluation's.
   */
  async reconcile(nowMs: number): Promise<EvaluationOutcome> {
    const round = newRound(nowMs);
    for (const { fingerprint, alert, changes } of endOrphans(this.alerts, this.rules, nowMs)) {
      this.record(fingerprint, alert, changes, round);
    }
    return this.commit(round);
  }

  /** Evaluates on a node-cron schedule with the engine's clock; a slow evaluation makes the next tick skip. */
  schedule(expression: string): void {
    if (this.task) return;
    this.task = cron.schedule(
      expression,
      async () => {
        await this.tick();
      },
      { noOverlap: true, name: 'bellwether-alerts' },
    );
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    try {
      await this.evaluateOnce(this.options.clock.now());
    } catch (error) {
      this.options.logger?.error({ err: describeError(error) }, 'alert evaluation failed');
    }
  }

  async stop(): Promise<void> {
    if (this.task) {
      await this.task.stop();
      await this.task.destroy();
      this.task = undefined;
    }
    if (this.running) await this.running.catch(() => undefined);
  }

  /** The instances the engine remembers now. */
  snapshot(): Alert[] {
    return [...this.alerts.values()].map((a) => structuredClone(a));
  }

  /** One evaluation of every rule at `nowMs`; serialised so evaluations never overlap. */
  async evaluateOnce(nowMs: number): Promise<EvaluationOutcome> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.evaluate(nowMs);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  private async evaluate(nowMs: number): Promise<EvaluationOutcome> {
    if (!this.loaded) await this.start();
    const round = newRound(nowMs);
    await this.evaluateRules(round);
    this.forgetResolved(round);
    return this.commit(round);
  }

  /** Steps every instance each rule produces at the round's instant: topics with data, and remembered ones. */
  private async evaluateRules(round: Round): Promise<void> {
    const { nowMs } = round;
    const cache = new Map<string, Promise<Map<string, TopicWindowCounts>>>();
    const counts = (range: TimeRange, kinds: readonly TopicKind[], keys?: readonly string[]) => {
      const id = `${range.fromMs}:${range.toMs}:${kinds.join(',')}:${keys?.join(',') ?? '*'}`;
      let hit = cache.get(id);
      if (!hit) {
        hit = this.options.dataSource
          .topicCounts({
            fromMs: range.fromMs,
            toMs: range.toMs,
            kinds,
            keys,
            modelVersion: this.options.modelVersion,
          })
          .then((rows) => new Map(rows.map((r) => [topicId(r.kind, r.key), r])));
        cache.set(id, hit);
      }
      return hit;
    };
    const staleAfter = this.options.rules.settings.staleAfterEvaluations;

    for (const { rule, selector } of this.rules) {
      const plan = planWindows(rule.detector, nowMs);
      const query = (range: TimeRange) => counts(range, selector.kinds, selector.exactKeys);
      const [current, baseline, confirm, buckets] = await Promise.all([
        query(plan.current),
        query(plan.baseline),
        plan.confirm ? query(plan.confirm) : undefined,
        plan.buckets ? Promise.all(plan.buckets.map(query)) : undefined,
      ]);
      const candidates = new Map<string, { kind: TopicKind; key: string }>();
      for (const row of current.values()) {
        if (selector.matches(row.kind, row.key)) {
          candidates.set(topicId(row.kind, row.key), { kind: row.kind, key: row.key });
        }
      }
      for (const alert of this.alerts.values()) {
        if (alert.rule !== rule.name) continue;
        const kind = alert.labels.topic_kind as TopicKind | undefined;
        const key = alert.labels.topic_key;
        if (kind && key !== undefined && selector.matches(kind, key)) {
          candidates.set(topicId(kind, key), { kind, key });
        }
      }

      for (const [id, topic] of candidates) {
        const labels = instanceLabels(rule, topic.kind, topic.key);
        const fingerprint = alertFingerprint(rule.name, labels);
        const previous: Alert = this.alerts.get(fingerprint) ?? {
          rule: rule.name,
          labels,
          annotations: {},
          state: 'inactive',
          severity: rule.severity,
          evaluatedAt: new Date(nowMs).toISOString(),
        };
        let observation: Observation = 'missing';
        let result: DetectorResult | undefined;
        if (current.has(id)) {
          const input: DetectorInput = {
            current: toCounts(current.get(id)),
            baseline: toCounts(baseline.get(id)),
            confirm: confirm ? toCounts(confirm.get(id)) : undefined,
            buckets: buckets?.map((b) => toCounts(b.get(id))),
          };
          result = runDetector(rule.detector, input);
          observation = result.active ? 'active' : 'inactive';
        }
        // Nothing to remember about a topic that is quiet and was never alerting.
        if (previous.state === 'inactive' && observation !== 'active') continue;
        const step = stepAlert(previous, observation, nowMs, {
          forMs: rule.for,
          keepFiringForMs: rule.keepFiringFor,
          staleAfterEvaluations: staleAfter,
        });
        let next = { ...step.alert, severity: rule.severity };
        // Numbers stay current while the instance lives, so a resolution reports the values that ended it.
        if (result && (next.state !== 'resolved' || step.changes.length > 0)) {
          next = await this.annotate(
            next,
            rule,
            topic,
            result,
            plan.current,
            step.changes.length > 0,
          );
        }
        this.record(fingerprint, next, step.changes, round);
      }
    }
  }

  /** Saves what the round changed, records its transitions, and hands the outcome to every sink. */
  private async commit(round: Round): Promise<EvaluationOutcome> {
    const { nowMs, transitions, changed } = round;
    await this.options.stateStore.saveAlertStates([...changed.values()]);
    if (transitions.length > 0) await this.options.stateStore.appendAlertTransitions(transitions);
    const outcome: EvaluationOutcome = { nowMs, alerts: this.snapshot(), transitions };
    for (const sink of this.sinks) {
      try {
        sink.onEvaluation(outcome);
      } catch (error) {
        this.options.logger?.error(
          { sink: sink.name, err: describeError(error) },
          'alert sink failed',
        );
      }
    }
    for (const t of transitions) {
      this.options.logger?.info(
        {
          rule: t.rule,
          topic: `${t.labels.topic_kind}:${t.labels.topic_key}`,
          from: t.from,
          to: t.to,
          value: t.value,
        },
        'alert transition',
      );
    }
    return outcome;
  }

  private record(
    fingerprint: string,
    next: Alert,
    changes: readonly { from: Alert['state']; to: Alert['state'] }[],
    { nowMs, transitions, changed }: Round,
  ): void {
    for (const c of changes) {
      transitions.push({
        at: new Date(nowMs).toISOString(),
        rule: next.rule,
        fingerprint,
        labels: next.labels,
        annotations: next.annotations,
        from: c.from,
        to: c.to,
        severity: next.severity,
        ...(next.value === undefined ? {} : { value: next.value }),
      });
    }
    if (next.state === 'inactive') {
      if (this.alerts.delete(fingerprint)) changed.set(fingerprint, next);
      return;
    }
    this.alerts.set(fingerprint, next);
    // Resolved instances are saved once, when they resolve; active ones every evaluation (their values move).
    if (next.state !== 'resolved' || changes.length > 0) changed.set(fingerprint, next);
  }

  private forgetResolved({ nowMs, changed }: Round): void {
    const retention = this.options.rules.settings.resolvedRetention;
    for (const [fingerprint, alert] of this.alerts) {
      if (alert.state !== 'resolved' || !alert.resolvedAt) continue;
      if (nowMs - Date.parse(alert.resolvedAt) < retention) continue;
      this.alerts.delete(fingerprint);
      changed.set(fingerprint, { ...alert, state: 'inactive' });
    }
  }

  private async annotate(
    alert: Alert,
    rule: Rule,
    topic: { kind: TopicKind; key: string },
    result: DetectorResult,
    window: TimeRange,
    transitioned: boolean,
  ): Promise<Alert> {
    let headlines = alert.annotations.headlines?.split('\n').filter((h) => h.length > 0) ?? [];
    const limit = this.options.headlineLimit ?? 3;
    if (
      (transitioned || headlines.length === 0) &&
      this.options.dataSource.headlines &&
      limit > 0
    ) {
      try {
        const rows = await this.options.dataSource.headlines(
          topic,
          window.fromMs,
          window.toMs,
          limit,
        );
        headlines = rows.map((h) => `${h.title} (${h.score.toFixed(2)})`);
      } catch (error) {
        this.options.logger?.warn(
          { err: describeError(error) },
          'headlines for annotations failed',
        );
      }
    }
    const context = {
      rule: rule.name,
      severity: rule.severity,
      topic: topic.key,
      kind: topic.kind,
      window: formatDuration(rule.detector.window),
      baseline: formatDuration(rule.detector.baseline),
      value: result.value,
      values: result.values,
      headlines,
    };
    const templates = {
      summary: DEFAULT_SUMMARY,
      description: DEFAULT_DESCRIPTION,
      ...rule.annotations,
    };
    const annotations: Record<string, string> = { ...valueAnnotations(result) };
    for (const [name, template] of Object.entries(templates)) {
      annotations[name] = renderTemplate(template, context);
    }
    if (headlines.length > 0) annotations.headlines = headlines.join('\n');
    return { ...alert, annotations, value: Math.round(result.value * 10_000) / 10_000 };
  }
}
