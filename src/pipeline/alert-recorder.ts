/** Collects the alert episodes a run fired (and resolved) for its summary, and counts evaluations for metrics. */
import type { AlertSink, EvaluationOutcome } from '../alerts/notify/types.ts';
import type { AlertTransition } from '../core/alert.ts';

export interface AlertSummary {
  rule: string;
  topic: { kind: string; key: string };
  firedAt: string;
  resolvedAt?: string | undefined;
  severity: string;
  summary?: string | undefined;
}

/** Records firings and resolutions for the run summary. */
export class AlertRecorder implements AlertSink {
  readonly name = 'summary';
  readonly fired: AlertSummary[] = [];
  constructor(private readonly onEvaluated: (transitions: readonly AlertTransition[]) => void) {}
  onEvaluation(outcome: EvaluationOutcome): void {
    this.onEvaluated(outcome.transitions);
    for (const transition of outcome.transitions) {
      const topic = {
        kind: transition.labels.topic_kind ?? '',
        key: transition.labels.topic_key ?? '',
      };
      // recovering → firing continues the same episode; only a new episode is a new firing.
      if (transition.to === 'firing' && transition.from !== 'recovering') {
        this.fired.push({
          rule: transition.rule,
          topic,
          firedAt: transition.at,
          severity: transition.severity,
          summary: transition.annotations.summary,
        });
      } else if (transition.to === 'resolved') {
        const open = this.fired.find(
          (alert) =>
            alert.rule === transition.rule &&
            alert.topic.kind === topic.kind &&
            alert.topic.key === topic.key &&
            alert.resolvedAt === undefined,
        );
        if (open) open.resolvedAt = transition.at;
      }
    }
  }
}
