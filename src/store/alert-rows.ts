/** Maps alert state and transitions to their tables' rows and back. */
import {
  type Alert,
  type AlertTransition,
  alertFingerprint,
  alertSchema,
  alertTransitionSchema,
} from '../core/alert.ts';
import { clampSeconds } from './item-rows.ts';

/** The topic an alert is about, read from its identity labels (both spellings the rules may use). */
export function topicOfLabels(labels: Readonly<Record<string, string>>): {
  kind: string;
  key: string;
} {
  return {
    kind: labels.topic_kind ?? labels.kind ?? '',
    key: labels.topic_key ?? labels.topic ?? labels.key ?? '',
  };
}

export interface AlertStateRow {
  fingerprint: string;
  rule: string;
  state: string;
  version: number;
  updated_at: number;
  body: string;
}

export function alertStateRow(alert: Alert, version: number, nowMs: number): AlertStateRow {
  return {
    fingerprint: alertFingerprint(alert.rule, alert.labels),
    rule: alert.rule,
    state: alert.state,
    version,
    updated_at: clampSeconds(nowMs / 1000),
    body: JSON.stringify(alert),
  };
}

/** A stored body that no longer decodes is skipped (with its fingerprint reported) rather than fatal. */
export function parseAlertBody(body: string): Alert | undefined {
  try {
    const parsed = alertSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface AlertTransitionRow {
  at: number;
  at_ms: number;
  rule: string;
  fingerprint: string;
  topic_kind: string;
  topic_key: string;
  from_state: string;
  to_state: string;
  severity: string;
  value: number;
  has_value: number;
  labels: string;
  annotations: string;
}

export function transitionRow(t: AlertTransition): AlertTransitionRow {
  const atMs = Math.max(0, Date.parse(t.at));
  const topic = topicOfLabels(t.labels);
  return {
    at: clampSeconds(atMs / 1000),
    at_ms: atMs,
    rule: t.rule,
    fingerprint: t.fingerprint,
    topic_kind: topic.kind,
    topic_key: topic.key,
    from_state: t.from,
    to_state: t.to,
    severity: t.severity,
    value: t.value ?? 0,
    has_value: t.value === undefined ? 0 : 1,
    labels: JSON.stringify(t.labels),
    annotations: JSON.stringify(t.annotations),
  };
}

export type RawTransitionRow = Omit<AlertTransitionRow, 'at'>;

export function fromTransitionRow(
  row: {
    [K in keyof RawTransitionRow]: RawTransitionRow[K] | string;
  },
): AlertTransition | undefined {
  const candidate = {
    at: new Date(Number(row.at_ms)).toISOString(),
    rule: row.rule,
    fingerprint: row.fingerprint,
    labels: safeJson(String(row.labels)),
    annotations: safeJson(String(row.annotations)),
    from: row.from_state,
    to: row.to_state,
    severity: row.severity,
    ...(Number(row.has_value) === 1 ? { value: Number(row.value) } : {}),
  };
  const parsed = alertTransitionSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
