/** Runs rules over a history with simulated time and lists when each alert would have fired and resolved. */
import { ManualClock } from '../core/clock.ts';
import { UsageError } from '../core/errors.ts';
import type { AlertDataSource } from './data-source.ts';
import { AlertEngine } from './engine.ts';
import { MemoryAlertStateStore } from './memory-state-store.ts';
import type { RulesFile } from './rules-schema.ts';
import type { SectorGroups } from './selector.ts';

export interface BacktestOptions {
  fromMs: number;
  toMs: number;
  stepMs: number;
  groups?: SectorGroups | undefined;
  /** Headlines per annotation (0 skips the lookups, which is faster). */
  headlineLimit?: number | undefined;
}

export interface BacktestEvent {
  at: string;
  atMs: number;
  event: 'firing' | 'resolved';
  rule: string;
  severity: string;
  topic: { kind: string; key: string };
  value?: number | undefined;
  /** Detector numbers at the transition (count, share, baseline share, lower bound, …). */
  values: Record<string, string>;
  summary?: string | undefined;
}

export interface BacktestResult {
  fromMs: number;
  toMs: number;
  stepMs: number;
  evaluations: number;
  events: BacktestEvent[];
  /** Instances still firing (or recovering) when the backtest ended. */
  stillFiring: { rule: string; topic: { kind: string; key: string }; since: string }[];
}

/** A backtest never runs more evaluations than this (a wrong step would otherwise spin for hours). */
export const MAX_EVALUATIONS = 200_000;

const SUMMARY_KEYS = new Set(['summary', 'description', 'headlines']);

export async function backtest(
  rules: RulesFile,
  dataSource: AlertDataSource,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const { fromMs, toMs, stepMs } = options;
  if (!(stepMs > 0) || !(toMs >= fromMs)) {
    throw new UsageError('backtest needs a positive step and from ≤ to');
  }
  const evaluations = Math.floor((toMs - fromMs) / stepMs) + 1;
  if (evaluations > MAX_EVALUATIONS) {
    throw new UsageError(
      `backtest would run ${evaluations} evaluations (at most ${MAX_EVALUATIONS}); use a larger --step`,
    );
  }
  const clock = new ManualClock(fromMs);
  const engine = new AlertEngine({
    rules,
    dataSource,
    stateStore: new MemoryAlertStateStore(),
    clock,
    groups: options.groups,
    headlineLimit: options.headlineLimit ?? 3,
  });
  const events: BacktestEvent[] = [];
  for (let i = 0; i < evaluations; i++) {
    const nowMs = fromMs + i * stepMs;
    clock.set(nowMs);
    const outcome = await engine.evaluateOnce(nowMs);
    for (const t of outcome.transitions) {
      // Recovering → firing continues an episode; only its start and end are events.
      const event =
        t.to === 'firing' && t.from !== 'recovering'
          ? 'firing'
          : t.to === 'resolved'
            ? 'resolved'
            : undefined;
      if (!event) continue;
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(t.annotations)) if (!SUMMARY_KEYS.has(k)) values[k] = v;
      events.push({
        at: t.at,
        atMs: nowMs,
        event,
        rule: t.rule,
        severity: t.severity,
        topic: { kind: t.labels.topic_kind ?? '', key: t.labels.topic_key ?? '' },
        value: t.value,
        values,
        summary: t.annotations.summary,
      });
    }
  }
  const stillFiring = engine
    .snapshot()
    .filter((a) => a.state === 'firing' || a.state === 'recovering')
    .map((a) => ({
      rule: a.rule,
      topic: { kind: a.labels.topic_kind ?? '', key: a.labels.topic_key ?? '' },
      since: a.firedAt ?? a.evaluatedAt,
    }));
  return { fromMs, toMs, stepMs, evaluations, events, stillFiring };
}
