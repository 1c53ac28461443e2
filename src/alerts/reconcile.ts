/** Reconciles remembered alert instances with the rules as configured now: what no rule produces any more ends. */
import { type Alert, type AlertState, isFiring } from '../core/alert.ts';
import type { TopicKind } from '../core/news.ts';
import type { Rule } from './rules-schema.ts';
import type { CompiledSelector } from './selector.ts';
import { without } from './state-machine.ts';

export interface ProducingRule {
  rule: Pick<Rule, 'name' | 'labels'>;
  selector: Pick<CompiledSelector, 'matches'>;
}

/** The identity labels a rule gives its instance for one topic: the rule's static labels plus the topic. */
export function instanceLabels(
  rule: Pick<Rule, 'labels'>,
  kind: TopicKind,
  key: string,
): Record<string, string> {
  return { ...rule.labels, topic_kind: kind, topic_key: key };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Whether a rule, as configured now, produces exactly this instance: same name, same label set, topic selected. */
export function isProduced(alert: Alert, rules: readonly ProducingRule[]): boolean {
  const kind = alert.labels.topic_kind as TopicKind | undefined;
  const key = alert.labels.topic_key;
  if (kind === undefined || key === undefined) return false;
  return rules.some(
    ({ rule, selector }) =>
      rule.name === alert.rule &&
      selector.matches(kind, key) &&
      sameLabels(alert.labels, instanceLabels(rule, kind, key)),
  );
}

export interface EndedInstance {
  fingerprint: string;
  /** The instance after reconciliation; state 'inactive' means it is forgotten. */
  alert: Alert;
  changes: { from: AlertState; to: AlertState }[];
}

/**
 * Ends every instance no rule produces (its rule left the file, its labels were edited, or its topic is no
 * longer selected), since no evaluation would ever reach it again: firing and recovering ones resolve (and
 * are announced like any resolution), pending ones go back to inactive, resolved ones are forgotten quietly.
 */
export function endOrphans(
  alerts: ReadonlyMap<string, Alert>,
  rules: readonly ProducingRule[],
  nowMs: number,
): EndedInstance[] {
  const now = new Date(nowMs).toISOString();
  const ended: EndedInstance[] = [];
  for (const [fingerprint, alert] of alerts) {
    if (isProduced(alert, rules)) continue;
    const to: AlertState = isFiring(alert.state) ? 'resolved' : 'inactive';
    ended.push({
      fingerprint,
      alert: {
        ...without(alert, 'keepFiringSince'),
        state: to,
        evaluatedAt: now,
        ...(to === 'resolved' ? { resolvedAt: now } : {}),
      },
      changes: alert.state === 'resolved' ? [] : [{ from: alert.state, to }],
    });
  }
  return ended;
}
