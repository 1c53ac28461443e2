// Alertmanager-like grouping timers (group_wait, group_interval, repeat_interval), resolutions and restarts.
import { describe, expect, it } from 'vitest';
import type { Alert, AlertState } from '../../core/alert.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { GroupDispatcher } from './dispatcher.ts';
import type { Notification, Receiver } from './types.ts';

const S = 1_000;
const MIN = 60 * S;
const T0 = Date.parse('2026-03-02T12:00:00Z');

/** A receiver that keeps what it gets: the dispatcher's own consumer, not a stand-in for a service. */
class Collecting implements Receiver {
  readonly got: Notification[] = [];
  constructor(
    readonly name: string,
    readonly sendResolved: boolean,
  ) {}
  async send(n: Notification): Promise<void> {
    this.got.push(n);
  }
}

function alert(key: string, state: AlertState, atMs = T0): Alert {
  return {
    rule: 'Spike',
    labels: { topic_kind: 'ticker', topic_key: key },
    annotations: { summary: key },
    state,
    severity: 'warning',
    firedAt: new Date(T0).toISOString(),
    evaluatedAt: new Date(atMs).toISOString(),
    ...(state === 'resolved' ? { resolvedAt: new Date(atMs).toISOString() } : {}),
  };
}

function setup(sendResolved = true) {
  const receiver = new Collecting('ops', sendResolved);
  const queue = new DeliveryQueue<Notification>((n) => receiver.send(n), {
    name: 'ops',
    maxAttempts: 1,
    baseDelayMs: 1,
    maxDelayMs: 1,
    capacity: 100,
  });
  const dispatcher = new GroupDispatcher([{ receiver, queue }], {
    groupBy: ['alertname'],
    groupWaitMs: 30 * S,
    groupIntervalMs: 5 * MIN,
    repeatIntervalMs: 60 * MIN,
  });
  /** Feeds one evaluation and returns what got sent because of it, as "status:key,key". */
  const at = async (offsetMs: number, alerts: Alert[]): Promise<string[]> => {
    const before = receiver.got.length;
    dispatcher.onEvaluation({ nowMs: T0 + offsetMs, alerts, transitions: [] });
    await queue.drain(1_000);
    return receiver.got
      .slice(before)
      .map(
        (n) => `${n.status}:${n.alerts.map((a) => `${a.labels.topic_key}/${a.status}`).join(',')}`,
      );
  };
  return { dispatcher, receiver, at };
}

describe('group dispatcher', () => {
  it('waits group_wait, batches within group_interval, repeats after repeat_interval, and sends resolutions', async () => {
    const { at } = setup();
    expect(await at(0, [alert('A', 'firing')])).toEqual([]);
    expect(await at(15 * S, [alert('A', 'firing')])).toEqual([]);
    expect(await at(30 * S, [alert('A', 'firing')])).toEqual(['firing:A/firing']);
    // B joins the group: it waits for the group interval (5 min after the last notification).
    expect(await at(1 * MIN, [alert('A', 'firing'), alert('B', 'firing')])).toEqual([]);
    expect(await at(5 * MIN, [alert('A', 'firing'), alert('B', 'firing')])).toEqual([]);
    expect(await at(5 * MIN + 30 * S, [alert('A', 'firing'), alert('B', 'firing')])).toEqual([
      'firing:A/firing,B/firing',
    ]);
    // Nothing new: no notification until the repeat interval.
    expect(await at(20 * MIN, [alert('A', 'firing'), alert('B', 'firing')])).toEqual([]);
    // A resolves; sent at the next group interval together with the still-firing B.
    const resolvedA = alert('A', 'resolved', T0 + 7 * MIN);
    expect(await at(7 * MIN, [resolvedA, alert('B', 'firing')])).toEqual([]);
    expect(await at(10 * MIN + 30 * S, [resolvedA, alert('B', 'firing')])).toEqual([
      'firing:B/firing,A/resolved',
    ]);
    // The resolution is not repeated; B is, after the repeat interval.
    expect(await at(20 * MIN, [resolvedA, alert('B', 'firing')])).toEqual([]);
    expect(await at(70 * MIN, [resolvedA, alert('B', 'firing')])).toEqual([]);
    expect(await at(70 * MIN + 30 * S, [resolvedA, alert('B', 'firing')])).toEqual([
      'firing:B/firing',
    ]);
    const resolvedB = alert('B', 'resolved', T0 + 71 * MIN);
    expect(await at(71 * MIN, [resolvedB])).toEqual([]);
    expect(await at(75 * MIN + 30 * S, [resolvedB])).toEqual(['resolved:B/resolved']);
    expect(await at(120 * MIN, [resolvedB])).toEqual([]);
  });

  it('drops an alert that resolved before its group was ever notified', async () => {
    const { at } = setup();
    expect(await at(0, [alert('A', 'firing')])).toEqual([]);
    expect(await at(10 * S, [alert('A', 'resolved')])).toEqual([]);
    expect(await at(40 * S, [alert('A', 'resolved')])).toEqual([]);
  });

  it('honours sendResolved: false', async () => {
    const { at } = setup(false);
    expect(await at(30 * S, [alert('A', 'firing')])).toEqual([]);
    expect(await at(60 * S, [alert('A', 'firing')])).toEqual(['firing:A/firing']);
    expect(await at(10 * MIN, [alert('A', 'resolved')])).toEqual([]);
  });

  it('after a restart (seeded with firing alerts) sends nothing new until the repeat interval', async () => {
    const { dispatcher, at } = setup();
    dispatcher.seed([alert('A', 'firing')], T0);
    expect(await at(30 * S, [alert('A', 'firing')])).toEqual([]);
    expect(await at(10 * MIN, [alert('A', 'firing')])).toEqual([]);
    expect(await at(60 * MIN, [alert('A', 'firing')])).toEqual(['firing:A/firing']);
  });

  it('a resolution after a restart is still announced', async () => {
    const { dispatcher, at } = setup();
    dispatcher.seed([alert('A', 'firing')], T0);
    expect(await at(6 * MIN, [alert('A', 'resolved', T0 + 6 * MIN)])).toEqual([
      'resolved:A/resolved',
    ]);
  });
});
