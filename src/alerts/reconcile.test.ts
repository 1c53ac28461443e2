// Reconciliation as its own step: which remembered instances the current rules still produce, and how the others end.
import { describe, expect, it } from 'vitest';
import { type Alert, type AlertState, alertFingerprint } from '../core/alert.ts';
import { endOrphans, isProduced, type ProducingRule } from './reconcile.ts';
import { compileSelector } from './selector.ts';

const T = Date.parse('2026-03-02T12:00:00Z');
const AT = new Date(T).toISOString();

const rule = (name: string, labels: Record<string, string>, keys?: string[]): ProducingRule => ({
  rule: { name, labels },
  selector: compileSelector({ kinds: ['ticker'], keys, exclude: [] }),
});

function instance(state: AlertState, labels: Record<string, string>, rule = 'Spike'): Alert {
  return {
    rule,
    labels,
    annotations: { summary: 'x' },
    state,
    severity: 'warning',
    evaluatedAt: new Date(T - 60_000).toISOString(),
    ...(state === 'recovering' ? { keepFiringSince: new Date(T - 60_000).toISOString() } : {}),
  };
}

const desk = { team: 'desk', topic_kind: 'ticker', topic_key: 'ACME' };

describe('issue 14.10 — reconciliation of saved instances with the rules', () => {
  it.each([
    ['the same rule, labels and selected topic', [rule('Spike', { team: 'desk' })], true],
    ['a rule whose labels were edited', [rule('Spike', { team: 'risk' })], false],
    ['a rule that gained a label', [rule('Spike', { team: 'desk', tier: '1' })], false],
    [
      'a rule that no longer selects the topic',
      [rule('Spike', { team: 'desk' }, ['OTHER*'])],
      false,
    ],
    ['another rule with the same labels', [rule('Drop', { team: 'desk' })], false],
    ['no rules at all', [], false],
  ])('%s produces the instance: %s', (_name, rules, produced) => {
    expect(isProduced(instance('firing', desk), rules)).toBe(produced);
  });

  it('an instance without topic labels is produced by no rule', () => {
    expect(
      isProduced(instance('firing', { team: 'desk' }), [rule('Spike', { team: 'desk' })]),
    ).toBe(false);
  });

  it('ends orphans by state: firing and recovering resolve, pending goes inactive, resolved is forgotten quietly', () => {
    const states: AlertState[] = ['firing', 'recovering', 'pending', 'resolved'];
    const alerts = new Map(
      states.map((state) => {
        const alert = instance(state, { ...desk, topic_key: state });
        return [alertFingerprint(alert.rule, alert.labels), alert] as const;
      }),
    );
    const kept = instance('firing', { ...desk, team: 'risk' });
    alerts.set(alertFingerprint(kept.rule, kept.labels), kept);

    const ended = endOrphans(alerts, [rule('Spike', { team: 'risk' })], T);
    expect(
      ended.map(
        (e) =>
          `${e.alert.labels.topic_key}:${e.alert.state}:${e.changes.map((c) => `${c.from}→${c.to}`).join()}`,
      ),
    ).toEqual([
      'firing:resolved:firing→resolved',
      'recovering:resolved:recovering→resolved',
      'pending:inactive:pending→inactive',
      'resolved:inactive:',
    ]);
    const [firing, recovering] = ended;
    expect(firing?.alert).toMatchObject({
      resolvedAt: AT,
      evaluatedAt: AT,
      annotations: { summary: 'x' },
    });
    expect(recovering?.alert.keepFiringSince).toBeUndefined();
    expect(firing?.fingerprint).toBe(alertFingerprint('Spike', { ...desk, topic_key: 'firing' }));
  });
});
