// Table-driven engine tests with a manual clock: every state transition, for, keepFiringFor, flapping, staleness, restarts.
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../core/alert.ts';
import { ManualClock } from '../core/clock.ts';
import type { TopicWindowCounts, TopicWindowQuery } from '../core/rollup.ts';
import type { AlertDataSource } from './data-source.ts';
import { AlertEngine } from './engine.ts';
import { MemoryAlertStateStore } from './memory-state-store.ts';
import { DeliveryQueue } from './notify/delivery-queue.ts';
import { GroupDispatcher } from './notify/dispatcher.ts';
import type { Notification } from './notify/types.ts';
import { parseRules } from './rules-file.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

/** What the current window shows for topic ticker:ACME: A = a spike, I = calm items, M = no items. */
type Obs = 'A' | 'I' | 'M';

/** A data source whose current window is scripted per step; baselines are always empty (the prior applies). */
class ScriptedSource implements AlertDataSource {
  obs: Obs = 'M';
  constructor(private readonly clock: ManualClock) {}
  async topicCounts(q: TopicWindowQuery): Promise<TopicWindowCounts[]> {
    if (q.toMs !== this.clock.now() || this.obs === 'M') return [];
    const negatives = this.obs === 'A' ? 10 : 0;
    return [
      { kind: 'ticker', key: 'ACME', count: 10, negatives, positives: 0, scoreSum: -negatives / 2 },
    ];
  }
}

function rules(
  timing: string,
  settings = 'staleAfterEvaluations: 3, resolvedRetention: 5m',
  { select = '{ kinds: [ticker] }', labels = '{ team: desk }' } = {},
) {
  return parseRules(
    [
      `settings: { ${settings} }`,
      'rules:',
      '  - name: Spike',
      `    select: ${select}`,
      '    detector: { type: negative-share-spike, window: 10m, baseline: 1h, minCount: 3, margin: 0.1, prior: { share: 0.1, weight: 10 } }',
      `    ${timing}`,
      '    severity: critical',
      `    labels: ${labels}`,
    ].join('\n'),
  );
}

/** A dispatcher (Alertmanager-like timers) whose receiver logs `status:team/topic,…` per notification into `sent`. */
function loggingDispatcher(sent: string[], repeatIntervalMs = 60 * MIN): GroupDispatcher {
  const receiver = {
    name: 'ops',
    sendResolved: true,
    async send(n: Notification) {
      sent.push(
        `${n.status}:${n.alerts.map((a) => `${a.status === n.status ? '' : `${a.status} `}${a.labels.team ?? '-'}/${a.labels.topic_key}`).join(',')}`,
      );
    },
  };
  const queue = new DeliveryQueue((n: Notification) => receiver.send(n), {
    name: 'ops',
    maxAttempts: 1,
    baseDelayMs: 1,
    maxDelayMs: 1,
    capacity: 10,
  });
  return new GroupDispatcher([{ receiver, queue }], {
    groupBy: ['alertname'],
    groupWaitMs: 0,
    groupIntervalMs: MIN,
    repeatIntervalMs,
  });
}

interface Step {
  at: number;
  obs: Obs;
  state: AlertState | 'absent';
}

interface Case {
  name: string;
  timing: string;
  steps: Step[];
  transitions: string[];
}

const CASES: Case[] = [
  {
    name: 'for: 0 fires at once and resolves at once',
    timing: 'for: 0s',
    steps: [
      { at: 0, obs: 'I', state: 'absent' },
      { at: 1, obs: 'A', state: 'firing' },
      { at: 2, obs: 'A', state: 'firing' },
      { at: 3, obs: 'I', state: 'resolved' },
    ],
    transitions: ['inactive→firing@1', 'firing→resolved@3'],
  },
  {
    name: 'for holds the instance pending until the condition held that long',
    timing: 'for: 2m',
    steps: [
      { at: 0, obs: 'A', state: 'pending' },
      { at: 1, obs: 'A', state: 'pending' },
      { at: 2, obs: 'A', state: 'firing' },
      { at: 3, obs: 'I', state: 'resolved' },
    ],
    transitions: ['inactive→pending@0', 'pending→firing@2', 'firing→resolved@3'],
  },
  {
    name: 'a pending instance that clears goes back to inactive without firing',
    timing: 'for: 5m',
    steps: [
      { at: 0, obs: 'A', state: 'pending' },
      { at: 1, obs: 'I', state: 'absent' },
      { at: 2, obs: 'A', state: 'pending' },
    ],
    transitions: ['inactive→pending@0', 'pending→inactive@1', 'inactive→pending@2'],
  },
  {
    name: 'keepFiringFor holds a cleared alert as recovering, and a relapse fires again',
    timing: 'keepFiringFor: 3m',
    steps: [
      { at: 0, obs: 'A', state: 'firing' },
      { at: 1, obs: 'I', state: 'recovering' },
      { at: 2, obs: 'A', state: 'firing' },
      { at: 3, obs: 'I', state: 'recovering' },
      { at: 5, obs: 'I', state: 'recovering' },
      { at: 6, obs: 'I', state: 'resolved' },
    ],
    transitions: [
      'inactive→firing@0',
      'firing→recovering@1',
      'recovering→firing@2',
      'firing→recovering@3',
      'recovering→resolved@6',
    ],
  },
  {
    name: 'flapping input with for never reaches firing',
    timing: 'for: 2m',
    steps: [
      { at: 0, obs: 'A', state: 'pending' },
      { at: 1, obs: 'I', state: 'absent' },
      { at: 2, obs: 'A', state: 'pending' },
      { at: 3, obs: 'I', state: 'absent' },
      { at: 4, obs: 'A', state: 'pending' },
      { at: 5, obs: 'I', state: 'absent' },
    ],
    transitions: [
      'inactive→pending@0',
      'pending→inactive@1',
      'inactive→pending@2',
      'pending→inactive@3',
      'inactive→pending@4',
      'pending→inactive@5',
    ],
  },
  {
    name: 'flapping input with keepFiringFor stays one firing episode',
    timing: 'keepFiringFor: 2m',
    steps: [
      { at: 0, obs: 'A', state: 'firing' },
      { at: 1, obs: 'I', state: 'recovering' },
      { at: 2, obs: 'A', state: 'firing' },
      { at: 3, obs: 'I', state: 'recovering' },
      { at: 4, obs: 'A', state: 'firing' },
    ],
    transitions: [
      'inactive→firing@0',
      'firing→recovering@1',
      'recovering→firing@2',
      'firing→recovering@3',
      'recovering→firing@4',
    ],
  },
  {
    name: 'a topic without data resolves after staleAfterEvaluations',
    timing: 'keepFiringFor: 1h',
    steps: [
      { at: 0, obs: 'A', state: 'firing' },
      { at: 1, obs: 'M', state: 'firing' },
      { at: 2, obs: 'M', state: 'firing' },
      { at: 3, obs: 'M', state: 'resolved' },
    ],
    transitions: ['inactive→firing@0', 'firing→resolved@3'],
  },
  {
    name: 'missing data interrupts the stale count when data returns',
    timing: 'for: 0s',
    steps: [
      { at: 0, obs: 'A', state: 'firing' },
      { at: 1, obs: 'M', state: 'firing' },
      { at: 2, obs: 'M', state: 'firing' },
      { at: 3, obs: 'A', state: 'firing' },
      { at: 4, obs: 'M', state: 'firing' },
      { at: 5, obs: 'M', state: 'firing' },
      { at: 6, obs: 'M', state: 'resolved' },
    ],
    transitions: ['inactive→firing@0', 'firing→resolved@6'],
  },
  {
    name: 'a relapse within the retention starts a new episode from resolved',
    timing: 'for: 1m',
    steps: [
      { at: 0, obs: 'A', state: 'pending' },
      { at: 1, obs: 'A', state: 'firing' },
      { at: 2, obs: 'I', state: 'resolved' },
      { at: 3, obs: 'A', state: 'pending' },
      { at: 4, obs: 'A', state: 'firing' },
    ],
    transitions: [
      'inactive→pending@0',
      'pending→firing@1',
      'firing→resolved@2',
      'resolved→pending@3',
      'pending→firing@4',
    ],
  },
  {
    name: 'a pending instance without data goes back to inactive after staleAfterEvaluations',
    timing: 'for: 10m',
    steps: [
      { at: 0, obs: 'A', state: 'pending' },
      { at: 1, obs: 'M', state: 'pending' },
      { at: 2, obs: 'M', state: 'pending' },
      { at: 3, obs: 'M', state: 'absent' },
    ],
    transitions: ['inactive→pending@0', 'pending→inactive@3'],
  },
  {
    name: 'a resolved instance is forgotten after the retention, and a new episode starts fresh',
    timing: 'for: 0s',
    steps: [
      { at: 0, obs: 'A', state: 'firing' },
      { at: 1, obs: 'I', state: 'resolved' },
      { at: 5, obs: 'I', state: 'resolved' },
      { at: 6, obs: 'I', state: 'absent' },
      { at: 7, obs: 'A', state: 'firing' },
    ],
    transitions: ['inactive→firing@0', 'firing→resolved@1', 'inactive→firing@7'],
  },
];

describe('alert engine state transitions', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const clock = new ManualClock(T0);
      const source = new ScriptedSource(clock);
      const store = new MemoryAlertStateStore();
      const engine = new AlertEngine({
        rules: rules(c.timing),
        dataSource: source,
        stateStore: store,
        clock,
      });
      for (const step of c.steps) {
        clock.set(T0 + step.at * MIN);
        source.obs = step.obs;
        await engine.evaluateOnce(clock.now());
        const alerts = engine.snapshot();
        const state = alerts[0]?.state ?? 'absent';
        expect(`${state}@${step.at}`).toBe(`${step.state}@${step.at}`);
        // The store holds exactly what the engine remembers.
        expect((await store.loadAlertStates()).map((a) => a.state)).toEqual(
          alerts.map((a) => a.state),
        );
      }
      const recorded = store.transitions.map(
        (t) => `${t.from}→${t.to}@${(Date.parse(t.at) - T0) / MIN}`,
      );
      expect(recorded).toEqual(c.transitions);
    });
  }

  it('identifies instances by rule and labels; values go to annotations', async () => {
    const clock = new ManualClock(T0);
    const source = new ScriptedSource(clock);
    const store = new MemoryAlertStateStore();
    const engine = new AlertEngine({
      rules: rules('for: 0s'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    source.obs = 'A';
    await engine.evaluateOnce(T0);
    const [alert] = engine.snapshot();
    expect(alert?.labels).toEqual({ team: 'desk', topic_kind: 'ticker', topic_key: 'ACME' });
    expect(alert?.severity).toBe('critical');
    expect(alert?.annotations.share).toBe('1');
    expect(alert?.annotations.count).toBe('10');
    expect(alert?.annotations.summary).toContain('ACME');
    expect(alert?.annotations.summary).toContain('100.0%');
    expect(alert?.value).toBeGreaterThan(0);
    expect(store.transitions[0]?.fingerprint).toBe(
      'Spike{team="desk",topic_key="ACME",topic_kind="ticker"}',
    );
  });
});

describe('restart recovery', () => {
  it('a new engine over the same state store neither re-fires nor forgets', async () => {
    const clock = new ManualClock(T0);
    const source = new ScriptedSource(clock);
    const store = new MemoryAlertStateStore();
    const first = new AlertEngine({
      rules: rules('for: 0s'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    source.obs = 'A';
    await first.evaluateOnce(T0);
    expect(first.snapshot()[0]?.state).toBe('firing');

    const second = new AlertEngine({
      rules: rules('for: 0s'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    clock.set(T0 + MIN);
    const outcome = await second.evaluateOnce(clock.now());
    expect(outcome.transitions).toEqual([]);
    expect(second.snapshot()[0]?.state).toBe('firing');
    expect(second.snapshot()[0]?.firedAt).toBe(new Date(T0).toISOString());

    clock.set(T0 + 2 * MIN);
    source.obs = 'I';
    const resolved = await second.evaluateOnce(clock.now());
    expect(resolved.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['firing→resolved']);
  });

  it('a pending instance keeps counting its `for` across a restart', async () => {
    const clock = new ManualClock(T0);
    const source = new ScriptedSource(clock);
    const store = new MemoryAlertStateStore();
    source.obs = 'A';
    await new AlertEngine({
      rules: rules('for: 3m'),
      dataSource: source,
      stateStore: store,
      clock,
    }).evaluateOnce(T0);
    const second = new AlertEngine({
      rules: rules('for: 3m'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    clock.set(T0 + 3 * MIN);
    await second.evaluateOnce(clock.now());
    expect(second.snapshot()[0]?.state).toBe('firing');
  });

  it('serialises overlapping evaluations', async () => {
    const clock = new ManualClock(T0);
    const source = new ScriptedSource(clock);
    source.obs = 'A';
    const store = new MemoryAlertStateStore();
    const engine = new AlertEngine({
      rules: rules('for: 0s'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    await Promise.all([engine.evaluateOnce(T0), engine.evaluateOnce(T0), engine.evaluateOnce(T0)]);
    expect(store.transitions).toHaveLength(1);
  });
});

/**
 * Fires Spike on ACME (team desk) through a notifying dispatcher, then builds a second engine and dispatcher
 * over the same state under `restartRules`, as a restart does.
 */
async function fireThenRestart(
  sent: string[],
  restartRules = rules('for: 0s'),
  repeatIntervalMs?: number,
) {
  const clock = new ManualClock(T0);
  const source = new ScriptedSource(clock);
  const store = new MemoryAlertStateStore();
  source.obs = 'A';
  const first = loggingDispatcher(sent, repeatIntervalMs);
  await new AlertEngine({
    rules: rules('for: 0s'),
    dataSource: source,
    stateStore: store,
    clock,
    sinks: [first],
  }).evaluateOnce(T0);
  await first.drain(1_000);
  const dispatcher = loggingDispatcher(sent, repeatIntervalMs);
  const restarted = new AlertEngine({
    rules: restartRules,
    dataSource: source,
    stateStore: store,
    clock,
    sinks: [dispatcher],
  });
  return { clock, source, store, dispatcher, restarted };
}

describe('restart with notifications', () => {
  it('the dispatcher of a restarted engine does not announce an alert that was already firing', async () => {
    const sent: string[] = [];
    const { clock, source, dispatcher, restarted } = await fireThenRestart(sent);
    expect(sent).toEqual(['firing:desk/ACME']);
    for (let m = 1; m <= 5; m++) {
      clock.set(T0 + m * MIN);
      await restarted.evaluateOnce(clock.now());
    }
    await dispatcher.drain(1_000);
    expect(sent).toEqual(['firing:desk/ACME']);
    clock.set(T0 + 6 * MIN);
    source.obs = 'I';
    await restarted.evaluateOnce(clock.now());
    await dispatcher.drain(1_000);
    expect(sent).toEqual(['firing:desk/ACME', 'resolved:desk/ACME']);
  });
});

describe('issue 14.10 — instances no rule produces any more resolve on load, with a notification', () => {
  const HOUR = 60 * MIN;
  const desk = (change: string) =>
    `Spike{team="desk",topic_key="ACME",topic_kind="ticker"}:${change}`;

  /** Fires Spike on ACME under the original rules, then restarts under `edited` and evaluates every 30 min for 5 h. */
  async function restartUnder(edited: ReturnType<typeof rules>) {
    const sent: string[] = [];
    const { clock, store, dispatcher, restarted } = await fireThenRestart(sent, edited, 4 * HOUR);
    for (let at = T0 + MIN; at <= T0 + 5 * HOUR; at += 30 * MIN) {
      clock.set(at);
      await restarted.evaluateOnce(at);
    }
    await dispatcher.drain(1_000);
    const transitions = store.transitions.map((t) => `${t.fingerprint}:${t.from}→${t.to}`);
    return { sent, transitions, saved: await store.loadAlertStates() };
  }

  it("an instance saved under the rule's old labels is resolved (and announced) instead of re-notified every 4 h", async () => {
    const { sent, transitions, saved } = await restartUnder(
      rules('for: 0s', undefined, { labels: '{ team: risk }' }),
    );
    expect(transitions).toEqual([
      desk('inactive→firing'),
      desk('firing→resolved'),
      'Spike{team="risk",topic_key="ACME",topic_kind="ticker"}:inactive→firing',
    ]);
    // The old identity is announced resolved once; only the new one repeats.
    expect(sent).toEqual([
      'firing:desk/ACME',
      'firing:risk/ACME,resolved desk/ACME',
      'firing:risk/ACME',
    ]);
    expect(saved.map((a) => `${a.labels.team}:${a.state}`)).toEqual(['risk:firing']);
  });

  it('an instance whose topic the rule no longer selects is resolved on load, even while its data still spikes', async () => {
    const { sent, transitions, saved } = await restartUnder(
      rules('for: 0s', undefined, { select: "{ kinds: [ticker], keys: ['OTHER*'] }" }),
    );
    expect(transitions).toEqual([desk('inactive→firing'), desk('firing→resolved')]);
    expect(sent).toEqual(['firing:desk/ACME', 'resolved:desk/ACME']);
    expect(saved).toEqual([]);
  });

  it('an instance whose rule left the rules file is resolved and announced', async () => {
    const { sent, transitions, saved } = await restartUnder(parseRules('rules: []'));
    expect(transitions).toEqual([desk('inactive→firing'), desk('firing→resolved')]);
    expect(sent).toEqual(['firing:desk/ACME', 'resolved:desk/ACME']);
    expect(saved).toEqual([]);
  });
});

describe('schedule', () => {
  it('evaluates on its node-cron schedule with the injected clock, and stops', async () => {
    const clock = new ManualClock(T0);
    const source = new ScriptedSource(clock);
    source.obs = 'A';
    const store = new MemoryAlertStateStore();
    const engine = new AlertEngine({
      rules: rules('for: 0s'),
      dataSource: source,
      stateStore: store,
      clock,
    });
    engine.schedule('* * * * * *');
    const deadline = Date.now() + 3_000;
    while (store.transitions.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await engine.stop();
    expect(store.transitions[0]?.at).toBe(new Date(T0).toISOString());
  });
});
