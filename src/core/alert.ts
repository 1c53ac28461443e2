/** The alert contract: identity is rule + labels; numbers live in annotations (DESIGN.md §5). */
import { z } from 'zod';

export const ALERT_STATES = ['inactive', 'pending', 'firing', 'recovering', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Whether receivers should see the instance as firing (recovering still fires until keepFiringFor ends). */
export function isFiring(state: AlertState): boolean {
  return state === 'firing' || state === 'recovering';
}

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const alertSchema = z.object({
  rule: z.string().min(1),
  /** Identity labels: topic kind and key plus the rule's static labels. Never values. */
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  state: z.enum(ALERT_STATES),
  severity: z.enum(SEVERITIES),
  /** When the condition was first seen true for this episode (ISO). */
  activeAt: z.iso.datetime({ offset: true }).optional(),
  firedAt: z.iso.datetime({ offset: true }).optional(),
  resolvedAt: z.iso.datetime({ offset: true }).optional(),
  /** Last evaluation time (ISO). */
  evaluatedAt: z.iso.datetime({ offset: true }),
  value: z.number().optional(),
  /** While recovering: when the condition stopped holding (keepFiringFor counts from here, ISO). */
  keepFiringSince: z.iso.datetime({ offset: true }).optional(),
  /** Consecutive evaluations that found no data for the topic (stale instances resolve). */
  missedEvaluations: z.number().int().min(0).optional(),
});
export type Alert = z.infer<typeof alertSchema>;

/** Stable fingerprint of an alert's identity: rule name and sorted label set. */
export function alertFingerprint(rule: string, labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  return `${rule}{${keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
}

/** One state change of one alert instance, as recorded in the store's `alerts` table. */
export const alertTransitionSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  rule: z.string().min(1),
  fingerprint: z.string().min(1),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  from: z.enum(ALERT_STATES),
  to: z.enum(ALERT_STATES),
  severity: z.enum(SEVERITIES),
  value: z.number().optional(),
});
export type AlertTransition = z.infer<typeof alertTransitionSchema>;

/** Where alert state survives restarts (implemented by the store; in memory for tests). */
export interface AlertStateStore {
  /** The latest state of every instance that is not inactive/resolved-and-forgotten. */
  loadAlertStates(): Promise<Alert[]>;
  /** Replaces the persisted state of these instances (keyed by rule + labels). */
  saveAlertStates(alerts: readonly Alert[]): Promise<void>;
  appendAlertTransitions(transitions: readonly AlertTransition[]): Promise<void>;
}
