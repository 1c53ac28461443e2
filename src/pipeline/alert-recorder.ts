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

/** Episodes the summary lists: a live run fires for weeks, and only the latest are worth keeping in memory. */
export const MAX_RECORDED_EPISODES = 1_000;

interface Episode {
  fingerprint: string;
  summary: AlertSummary;
}

/** Records firings and resolutions for the run summary: the newest episodes, and a count of all. */
export class AlertRecorder implements AlertSink {
  readonly name = 'summary';
  /** Episodes fired in this run, including those no longer listed. */
  firedTotal = 0;
  /** Listed episodes by sequence number; a Map keeps firing order and evicts the oldest in O(1). */
  private readonly episodes = new Map<number, Episode>();
  /** The unresolved episode of each alert instance, by fingerprint. */
  private readonly open = new Map<string, Episode>();

  constructor(
    private readonly onEvaluated: (transitions: readonly AlertTransition[]) => void,
    private readonly limit = MAX_RECORDED_EPISODES,
  ) {}

  /** The listed episodes, oldest first. */
  get fired(): AlertSummary[] {
    return [...this.episodes.values()].map((e) => e.summary);
  }

  onEvaluation(outcome: EvaluationOutcome): void {
    this.onEvaluated(outcome.transitions);
    for (const transition of outcome.transitions) {
      // recovering → firing continues the same episode; only a new episode is a new firing.
      if (transition.to === 'firing' && transition.from !== 'recovering') {
        this.opened(transition);
      } else if (transition.to === 'resolved') {
        const episode = this.open.get(transition.fingerprint);
        if (episode) episode.summary.resolvedAt = transition.at;
        this.open.delete(transition.fingerprint);
      }
    }
  }

  private opened(transition: AlertTransition): void {
    const episode: Episode = {
      fingerprint: transition.fingerprint,
      summary: {
        rule: transition.rule,
        topic: {
          kind: transition.labels.topic_kind ?? '',
          key: transition.labels.topic_key ?? '',
        },
        firedAt: transition.at,
        severity: transition.severity,
        summary: transition.annotations.summary,
      },
    };
    this.episodes.set(this.firedTotal, episode);
    this.open.set(episode.fingerprint, episode);
    this.firedTotal += 1;
    for (const [seq, oldest] of this.episodes) {
      if (this.episodes.size <= this.limit) break;
      this.episodes.delete(seq);
      if (this.open.get(oldest.fingerprint) === oldest) this.open.delete(oldest.fingerprint);
    }
  }
}
