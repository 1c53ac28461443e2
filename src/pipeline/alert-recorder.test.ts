// The run summary's alert recorder: episodes in firing order, resolutions matched to their instance, a bounded list.
import { describe, expect, it } from 'vitest';
import { type AlertState, type AlertTransition, alertFingerprint } from '../core/alert.ts';
import { AlertRecorder, MAX_RECORDED_EPISODES } from './alert-recorder.ts';

const T = Date.parse('2026-03-02T12:00:00Z');

function transition(
  labels: Record<string, string>,
  from: AlertState,
  to: AlertState,
  atMs: number,
): AlertTransition {
  return {
    at: new Date(atMs).toISOString(),
    rule: 'Spike',
    fingerprint: alertFingerprint('Spike', labels),
    labels,
    annotations: { summary: `${labels.team} ${labels.topic_key}` },
    from,
    to,
    severity: 'warning',
  };
}

const topic = (key: string, team = 'desk') => ({ team, topic_kind: 'ticker', topic_key: key });

function recorderWith(transitions: AlertTransition[][]): AlertRecorder {
  const recorder = new AlertRecorder(() => {});
  for (const batch of transitions)
    recorder.onEvaluation({ nowMs: T, alerts: [], transitions: batch });
  return recorder;
}

describe('issue 14.12 — the alert recorder stays bounded in a long live run', () => {
  it('keeps only the newest episodes, and still counts every one', () => {
    const total = MAX_RECORDED_EPISODES * 3;
    const batches: AlertTransition[][] = [];
    for (let i = 0; i < total; i++) {
      const labels = topic(`T${i}`);
      batches.push([transition(labels, 'inactive', 'firing', T + i * 1000)]);
      // Half of them resolve, so open and closed episodes are both evicted.
      if (i % 2 === 0) batches.push([transition(labels, 'firing', 'resolved', T + i * 1000 + 500)]);
    }
    const recorder = recorderWith(batches);
    expect(recorder.fired).toHaveLength(MAX_RECORDED_EPISODES);
    expect(recorder.firedTotal).toBe(total);
    expect(recorder.fired[0]?.topic.key).toBe(`T${total - MAX_RECORDED_EPISODES}`);
    expect(recorder.fired.at(-1)?.topic.key).toBe(`T${total - 1}`);
    expect(recorder.fired.at(-1)?.resolvedAt).toBeUndefined();
    expect(recorder.fired.at(-2)?.resolvedAt).toBe(
      new Date(T + (total - 2) * 1000 + 500).toISOString(),
    );
  });

  it('resolves the episode of the very instance that resolved (looked up by fingerprint), not one with the same topic', () => {
    const desk = topic('ACME', 'desk');
    const risk = topic('ACME', 'risk');
    const recorder = recorderWith([
      [transition(desk, 'inactive', 'firing', T)],
      [transition(risk, 'inactive', 'firing', T + 1000)],
      [transition(risk, 'firing', 'resolved', T + 2000)],
    ]);
    expect(recorder.fired.map((e) => `${e.summary}:${e.resolvedAt ?? 'open'}`)).toEqual([
      'desk ACME:open',
      `risk ACME:${new Date(T + 2000).toISOString()}`,
    ]);
  });

  it('a relapse from recovering continues the episode; a new firing after resolution is a new one', () => {
    const acme = topic('ACME');
    const recorder = recorderWith([
      [transition(acme, 'inactive', 'firing', T)],
      [transition(acme, 'firing', 'recovering', T + 1000)],
      [transition(acme, 'recovering', 'firing', T + 2000)],
      [transition(acme, 'firing', 'resolved', T + 3000)],
      [transition(acme, 'resolved', 'firing', T + 4000)],
    ]);
    expect(recorder.fired.map((e) => `${e.firedAt}:${e.resolvedAt ?? 'open'}`)).toEqual([
      `${new Date(T).toISOString()}:${new Date(T + 3000).toISOString()}`,
      `${new Date(T + 4000).toISOString()}:open`,
    ]);
    expect(recorder.firedTotal).toBe(2);
  });
});
