/**
 * Groups firing and resolved alerts like Alertmanager's route (group_by, group_wait, group_interval,
 * repeat_interval) and hands each group's notification to every receiver's delivery queue.
 */
import { type Alert, isFiring } from '../../core/alert.ts';
import type { Logger } from '../../core/logger.ts';
import type { DeliveryQueue } from './delivery-queue.ts';
import { hexFingerprint, notifiedAlert, receiverLabels } from './payload.ts';
import type { AlertSink, EvaluationOutcome, Notification, Receiver } from './types.ts';

export interface RouteTimers {
  groupBy: readonly string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface DispatchTarget {
  receiver: Receiver;
  queue: DeliveryQueue<Notification>;
}

interface Group {
  key: string;
  labels: Record<string, string>;
  createdAtMs: number;
  /** Latest state of every alert in the group, by fingerprint. */
  alerts: Map<string, Alert>;
  /** Fingerprints sent as firing in the last notification. */
  notifiedFiring: Set<string>;
  lastNotifiedAtMs: number | undefined;
}

export class GroupDispatcher implements AlertSink {
  readonly name = 'dispatcher';
  private readonly groups = new Map<string, Group>();
  /** Notifications handed to queues, for `run --json` summaries and tests. */
  sent = 0;

  constructor(
    private readonly targets: readonly DispatchTarget[],
    private readonly route: RouteTimers,
    private readonly logger?: Logger | undefined,
  ) {}

  private groupOf(alert: Alert, nowMs: number): Group {
    const all = receiverLabels(alert);
    const labels: Record<string, string> = {};
    for (const name of this.route.groupBy) labels[name] = all[name] ?? '';
    const key = `{}:${JSON.stringify(labels)}`;
    let group = this.groups.get(key);
    if (!group) {
      group = {
        key,
        labels,
        createdAtMs: nowMs,
        alerts: new Map(),
        notifiedFiring: new Set(),
        lastNotifiedAtMs: undefined,
      };
      this.groups.set(key, group);
    }
    return group;
  }

  /** Alerts firing before a restart were notified then: remember them as notified, send nothing now. */
  seed(alerts: readonly Alert[], nowMs: number): void {
    for (const alert of alerts) {
      if (!isFiring(alert.state)) continue;
      const group = this.groupOf(alert, nowMs);
      const fingerprint = hexFingerprint(alert);
      group.alerts.set(fingerprint, alert);
      group.notifiedFiring.add(fingerprint);
      group.lastNotifiedAtMs = nowMs;
    }
  }

  onEvaluation(outcome: EvaluationOutcome): void {
    for (const alert of outcome.alerts) {
      const fingerprint = hexFingerprint(alert);
      if (isFiring(alert.state)) {
        this.groupOf(alert, outcome.nowMs).alerts.set(fingerprint, alert);
      } else if (alert.state === 'resolved') {
        for (const group of this.groups.values()) {
          if (group.alerts.has(fingerprint)) group.alerts.set(fingerprint, alert);
        }
      }
    }
    this.flush(outcome.nowMs);
  }

  /** Sends every group whose timer is due; called after each evaluation (and by a timer when live). */
  flush(nowMs: number): void {
    for (const group of [...this.groups.values()]) {
      const firing = [...group.alerts].filter(([, a]) => isFiring(a.state)).map(([f]) => f);
      const resolved = [...group.alerts].filter(([, a]) => a.state === 'resolved').map(([f]) => f);
      const changed =
        firing.some((f) => !group.notifiedFiring.has(f)) ||
        resolved.some((f) => group.notifiedFiring.has(f));
      let due: boolean;
      if (group.lastNotifiedAtMs === undefined) {
        due = nowMs - group.createdAtMs >= this.route.groupWaitMs;
      } else {
        const since = nowMs - group.lastNotifiedAtMs;
        due =
          (changed && since >= this.route.groupIntervalMs) ||
          (firing.length > 0 && since >= this.route.repeatIntervalMs);
      }
      if (due) this.notify(group, firing, resolved, nowMs);
    }
  }

  private notify(group: Group, firing: string[], resolved: string[], nowMs: number): void {
    // Like Alertmanager, resolutions are only news for alerts that were announced as firing.
    const announcedResolved = resolved.filter((f) => group.notifiedFiring.has(f));
    const alertsOf = (fps: string[], status: 'firing' | 'resolved') =>
      fps.flatMap((f) => {
        const alert = group.alerts.get(f);
        return alert ? [notifiedAlert(alert, status)] : [];
      });
    const firingAlerts = alertsOf(firing, 'firing');
    const resolvedAlerts = alertsOf(announcedResolved, 'resolved');
    for (const { receiver, queue } of this.targets) {
      const alerts = [...firingAlerts, ...(receiver.sendResolved ? resolvedAlerts : [])];
      if (alerts.length === 0) continue;
      queue.enqueue({
        receiver: receiver.name,
        groupKey: group.key,
        groupLabels: group.labels,
        status: firingAlerts.length > 0 ? 'firing' : 'resolved',
        alerts,
      });
      this.sent += 1;
    }
    if (firingAlerts.length > 0 || resolvedAlerts.length > 0) {
      this.logger?.debug(
        { group: group.key, firing: firingAlerts.length, resolved: resolvedAlerts.length },
        'alert group notified',
      );
    }
    for (const f of resolved) group.alerts.delete(f);
    group.notifiedFiring = new Set(firing);
    group.lastNotifiedAtMs = nowMs;
    if (group.alerts.size === 0) this.groups.delete(group.key);
  }

  async drain(timeoutMs: number): Promise<void> {
    await Promise.all(this.targets.map((t) => t.queue.drain(timeoutMs)));
  }

  async close(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.queue.close()));
  }
}
