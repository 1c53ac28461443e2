/** The notifier ports: what the engine hands to sinks after each evaluation, and what a receiver sends. */
import type { Alert, AlertTransition } from '../../core/alert.ts';

export interface EvaluationOutcome {
  nowMs: number;
  /** Every instance the engine remembers after this evaluation (pending, firing, recovering, resolved). */
  alerts: readonly Alert[];
  transitions: readonly AlertTransition[];
}

/** Receives every evaluation's outcome; must only enqueue work, never block the engine. */
export interface AlertSink {
  readonly name: string;
  /** Instances loaded at start-up: already notified before the restart, so not notified again. */
  seed?(alerts: readonly Alert[], nowMs: number): void;
  onEvaluation(outcome: EvaluationOutcome): void;
  /** Resolves once queued deliveries are done or given up (bounded by `timeoutMs`). */
  drain?(timeoutMs: number): Promise<void>;
  close?(): Promise<void>;
}

/** One grouped notification, as the dispatcher hands it to a receiver. */
export interface Notification {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  status: 'firing' | 'resolved';
  /** Firing alerts first, then resolved ones. */
  alerts: NotifiedAlert[];
}

export interface NotifiedAlert {
  status: 'firing' | 'resolved';
  fingerprint: string;
  rule: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Zero time while firing. */
  endsAt: string;
}

/** Delivers one notification; throws (a ServiceError, retriable or not) when delivery fails. */
export interface Receiver {
  readonly name: string;
  readonly sendResolved: boolean;
  send(notification: Notification): Promise<void>;
}
