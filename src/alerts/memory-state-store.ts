/** An AlertStateStore in memory, with the store's semantics (inactive instances are forgotten): for tests and backtests. */
import {
  type Alert,
  type AlertStateStore,
  type AlertTransition,
  alertFingerprint,
} from '../core/alert.ts';

export class MemoryAlertStateStore implements AlertStateStore {
  private readonly states = new Map<string, Alert>();
  readonly transitions: AlertTransition[] = [];

  async loadAlertStates(): Promise<Alert[]> {
    return [...this.states.values()].map((a) => structuredClone(a));
  }

  async saveAlertStates(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) {
      const key = alertFingerprint(alert.rule, alert.labels);
      if (alert.state === 'inactive') this.states.delete(key);
      else this.states.set(key, structuredClone(alert));
    }
  }

  async appendAlertTransitions(transitions: readonly AlertTransition[]): Promise<void> {
    this.transitions.push(...transitions.map((t) => structuredClone(t)));
  }
}
