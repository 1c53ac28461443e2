/**
 * Pushes alerts to Prometheus Alertmanager's v2 API as Prometheus does: every active alert is re-sent
 * periodically with an endsAt a few resend periods ahead (so a dead sender's alerts expire), and a
 * resolved alert is sent with endsAt set to when it resolved.
 */
import { type Alert, isFiring } from '../../core/alert.ts';
import type { Logger } from '../../core/logger.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { postBody } from './http-post.ts';
import { generatorUrl, hexFingerprint, receiverLabels } from './payload.ts';
import type { AlertSink, EvaluationOutcome } from './types.ts';

export interface AlertmanagerSinkOptions {
  url: string;
  resendDelayMs: number;
  timeoutMs: number;
  externalUrl: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  logger?: Logger | undefined;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** Prometheus lets an alert lapse after four resend periods without news. */
const VALIDITY_RESENDS = 4;

export function postableAlert(
  alert: Alert,
  nowMs: number,
  resendDelayMs: number,
  externalUrl: string,
): PostableAlert {
  const labels = receiverLabels(alert);
  const endsAt = isFiring(alert.state)
    ? new Date(nowMs + VALIDITY_RESENDS * resendDelayMs).toISOString()
    : (alert.resolvedAt ?? new Date(nowMs).toISOString());
  return {
    labels,
    annotations: alert.annotations,
    startsAt: alert.firedAt ?? alert.activeAt ?? alert.evaluatedAt,
    endsAt,
    generatorURL: generatorUrl(externalUrl, { labels }),
  };
}

export class AlertmanagerSink implements AlertSink {
  readonly name = 'alertmanager';
  private readonly queue: DeliveryQueue<PostableAlert[]>;
  private lastSentAtMs = Number.NEGATIVE_INFINITY;
  private lastKey = '';
  private readonly endpoint: string;

  constructor(private readonly options: AlertmanagerSinkOptions) {
    this.endpoint = new URL(
      'api/v2/alerts',
      options.url.endsWith('/') ? options.url : `${options.url}/`,
    ).toString();
    this.queue = new DeliveryQueue((batch) => this.post(batch), {
      name: 'alertmanager',
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      capacity: 1,
      supersede: true,
      logger: options.logger,
    });
  }

  get stats() {
    return this.queue.stats;
  }

  onEvaluation(outcome: EvaluationOutcome): void {
    const alerts = outcome.alerts.filter((a) => isFiring(a.state) || a.state === 'resolved');
    const key = alerts
      .map((a) => `${hexFingerprint(a)}:${isFiring(a.state) ? 'firing' : 'resolved'}`)
      .sort()
      .join(',');
    const changed = key !== this.lastKey;
    if (alerts.length === 0 && !changed) return;
    if (!changed && outcome.nowMs - this.lastSentAtMs < this.options.resendDelayMs) return;
    this.lastKey = key;
    this.lastSentAtMs = outcome.nowMs;
    if (alerts.length === 0) return;
    this.queue.enqueue(
      alerts.map((a) =>
        postableAlert(a, outcome.nowMs, this.options.resendDelayMs, this.options.externalUrl),
      ),
    );
  }

  private async post(batch: PostableAlert[]): Promise<void> {
    await postBody({
      service: 'alertmanager',
      url: this.endpoint,
      body: JSON.stringify(batch),
      timeoutMs: this.options.timeoutMs,
    });
  }

  drain(timeoutMs: number): Promise<void> {
    return this.queue.drain(timeoutMs);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
