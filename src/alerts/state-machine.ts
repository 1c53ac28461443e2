/**
 * One alert instance's lifecycle, as a pure step function: inactive → pending (`for`) → firing →
 * recovering (`keepFiringFor`) → resolved; evaluations without data count towards staleness.
 */
import type { Alert, AlertState } from '../core/alert.ts';

/** What one evaluation saw for one instance: the condition held, did not, or the topic had no data. */
export type Observation = 'active' | 'inactive' | 'missing';

export interface Timing {
  forMs: number;
  keepFiringForMs: number;
  staleAfterEvaluations: number;
}

export interface StepResult {
  /** The instance after this evaluation; state 'inactive' means it is forgotten. */
  alert: Alert;
  /** State changes in order (a `for` of zero goes straight to firing in one step). */
  changes: { from: AlertState; to: AlertState }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A copy of `value` without `keys` (optional fields an instance drops when its state changes). */
export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * Advances `previous` (a fresh inactive alert for a new instance) by one evaluation at `nowMs`.
 * Annotations, value and severity of `previous` are kept; the engine refreshes them.
 */
export function stepAlert(
  previous: Alert,
  observation: Observation,
  nowMs: number,
  timing: Timing,
): StepResult {
  const now = iso(nowMs);
  const base: Alert = { ...previous, evaluatedAt: now };
  const change = (to: AlertState, alert: Alert): StepResult => ({
    alert: { ...alert, state: to },
    changes: previous.state === to ? [] : [{ from: previous.state, to }],
  });
  const missed = observation === 'missing' ? (previous.missedEvaluations ?? 0) + 1 : 0;
  const stale = missed >= timing.staleAfterEvaluations;
  const counted: Alert =
    missed > 0 ? { ...base, missedEvaluations: missed } : without(base, 'missedEvaluations');

  switch (previous.state) {
    case 'inactive':
    case 'resolved': {
      if (observation !== 'active') return { alert: counted, changes: [] };
      const fresh: Alert = {
        ...without(counted, 'firedAt', 'resolvedAt', 'keepFiringSince'),
        activeAt: now,
      };
      if (timing.forMs <= 0) return change('firing', { ...fresh, firedAt: now });
      return change('pending', fresh);
    }
    case 'pending': {
      if (observation === 'inactive' || stale) {
        return change('inactive', without(counted, 'activeAt', 'missedEvaluations'));
      }
      if (observation === 'missing') return { alert: counted, changes: [] };
      const activeAtMs = previous.activeAt ? Date.parse(previous.activeAt) : nowMs;
      if (nowMs - activeAtMs >= timing.forMs) return change('firing', { ...counted, firedAt: now });
      return { alert: counted, changes: [] };
    }
    case 'firing': {
      if (stale) return change('resolved', { ...counted, resolvedAt: now });
      if (observation !== 'inactive') return { alert: counted, changes: [] };
      if (timing.keepFiringForMs > 0) {
        return change('recovering', { ...counted, keepFiringSince: now });
      }
      return change('resolved', { ...counted, resolvedAt: now });
    }
    case 'recovering': {
      if (stale)
        return change('resolved', without({ ...counted, resolvedAt: now }, 'keepFiringSince'));
      if (observation === 'active') {
        return change('firing', without(counted, 'keepFiringSince'));
      }
      const sinceMs = previous.keepFiringSince ? Date.parse(previous.keepFiringSince) : nowMs;
      if (nowMs - sinceMs >= timing.keepFiringForMs) {
        return change('resolved', without({ ...counted, resolvedAt: now }, 'keepFiringSince'));
      }
      return { alert: counted, changes: [] };
    }
  }
}
