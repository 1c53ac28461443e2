/** The Alertmanager webhook v4 JSON a notification becomes, and the alert fields every receiver shares. */
import { createHash } from 'node:crypto';
import { type Alert, alertFingerprint } from '../../core/alert.ts';
import type { Notification, NotifiedAlert } from './types.ts';

/** Go's zero time: what Alertmanager puts in endsAt while an alert fires. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Labels as receivers see them: identity labels plus alertname and severity. */
export function receiverLabels(alert: Alert): Record<string, string> {
  return { alertname: alert.rule, severity: alert.severity, ...alert.labels };
}

/** A short hex hash of the identity, like Alertmanager's fingerprints. */
export function hexFingerprint(alert: Alert): string {
  return createHash('sha256')
    .update(alertFingerprint(alert.rule, alert.labels))
    .digest('hex')
    .slice(0, 16);
}

export function notifiedAlert(alert: Alert, status: 'firing' | 'resolved'): NotifiedAlert {
  return {
    status,
    fingerprint: hexFingerprint(alert),
    rule: alert.rule,
    severity: alert.severity,
    labels: receiverLabels(alert),
    annotations: alert.annotations,
    startsAt: alert.firedAt ?? alert.activeAt ?? alert.evaluatedAt,
    endsAt: status === 'resolved' ? (alert.resolvedAt ?? alert.evaluatedAt) : ZERO_TIME,
  };
}

/** Labels (or annotations) every alert in the list shares with the same value. */
function common(records: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) {
    if (rest.every((r) => r[k] === v)) out[k] = v;
  }
  return out;
}

export interface WebhookPayloadV4 {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

export function webhookPayload(n: Notification, externalUrl: string): WebhookPayloadV4 {
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: 0,
    status: n.status,
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: common(n.alerts.map((a) => a.labels)),
    commonAnnotations: common(n.alerts.map((a) => a.annotations)),
    externalURL: externalUrl,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: a.startsAt,
      endsAt: a.endsAt,
      generatorURL: generatorUrl(externalUrl, a),
      fingerprint: a.fingerprint,
    })),
  };
}

/** Where a person looks at the topic: the dashboard with the topic selected. */
export function generatorUrl(externalUrl: string, alert: Pick<NotifiedAlert, 'labels'>): string {
  const url = new URL(externalUrl);
  const kind = alert.labels.topic_kind;
  const key = alert.labels.topic_key;
  if (kind && key) url.searchParams.set('topic', `${kind}:${key}`);
  return url.toString();
}
