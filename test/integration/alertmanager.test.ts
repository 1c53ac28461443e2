// The engine pushes to a real Prometheus Alertmanager (Debian's package, run by deploy/alertmanager/alertmanager.sh): a firing alert shows up with our labels, and its resolution ends it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryDataSource, type ScoredMention } from '../../src/alerts/data-source.ts';
import { AlertEngine } from '../../src/alerts/engine.ts';
import { MemoryAlertStateStore } from '../../src/alerts/memory-state-store.ts';
import { AlertmanagerSink } from '../../src/alerts/notify/alertmanager-sink.ts';
import { parseRules } from '../../src/alerts/rules-file.ts';
import { ManualClock } from '../../src/core/clock.ts';

const SCRIPT = fileURLToPath(new URL('../../deploy/alertmanager/alertmanager.sh', import.meta.url));
const BASE = process.env.BELLWETHER_ALERTMANAGER_URL ?? 'http://127.0.0.1:9093';
const MIN = 60_000;
let startedHere = false;

async function ready(): Promise<boolean> {
  try {
    return (await fetch(`${BASE}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (await ready()) return;
  execFileSync(SCRIPT, ['start', '60'], { stdio: 'inherit', timeout: 280_000 });
  startedHere = true;
  expect(await ready()).toBe(true);
});

afterAll(() => {
  if (startedHere) execFileSync(SCRIPT, ['stop'], { stdio: 'inherit', timeout: 30_000 });
});

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

async function listAlerts(run: string): Promise<AmAlert[]> {
  const filter = encodeURIComponent(`run="${run}"`);
  const res = await fetch(`${BASE}/api/v2/alerts?filter=${filter}`);
  expect(res.ok).toBe(true);
  return (await res.json()) as AmAlert[];
}

/** Polls (bounded) until `check` holds for the listed alerts. */
async function eventually(run: string, check: (alerts: AmAlert[]) => boolean): Promise<AmAlert[]> {
  let alerts: AmAlert[] = [];
  for (let i = 0; i < 50; i++) {
    alerts = await listAlerts(run);
    if (check(alerts)) return alerts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return alerts;
}

describe('Alertmanager v2 API', () => {
  it('receives the firing alert with our labels and ends it on resolve', async () => {
    const run = `it-${process.pid}-${Date.now()}`;
    // Simulated time ends at the real present, so Alertmanager's clock agrees with our endsAt.
    const t0 = Date.now() - 12 * MIN;
    const mentions: ScoredMention[] = [];
    for (let m = 120; m > 10; m -= 5) {
      mentions.push({
        kind: 'ticker',
        key: 'ACME',
        publishedAtMs: t0 - m * MIN,
        label: m % 25 === 0 ? 'negative' : 'neutral',
        score: 0,
      });
    }
    for (let i = 0; i < 12; i++) {
      mentions.push({
        kind: 'ticker',
        key: 'ACME',
        publishedAtMs: t0 - (9 - i * 0.5) * MIN,
        label: 'negative',
        score: -0.9,
        title: `ACME plunges ${i}`,
      });
      mentions.push({
        kind: 'ticker',
        key: 'ACME',
        publishedAtMs: t0 + (1 + i * 0.8) * MIN,
        label: 'neutral',
        score: 0.1,
      });
    }
    const rules = parseRules(`
rules:
  - name: BellwetherIntegrationSpike
    select: { kinds: [ticker], keys: [ACME] }
    detector: { type: negative-share-spike, window: 10m, baseline: 2h, minCount: 5, margin: 0.2 }
    severity: critical
    labels: { run: "${run}" }
    annotations: { summary: "{{topic}} negative share {{share}}" }
`);
    const clock = new ManualClock(t0);
    const sink = new AlertmanagerSink({
      url: BASE,
      resendDelayMs: 60 * MIN,
      timeoutMs: 5_000,
      externalUrl: 'http://127.0.0.1:8080/',
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 500,
    });
    const engine = new AlertEngine({
      rules,
      dataSource: new MemoryDataSource(mentions),
      stateStore: new MemoryAlertStateStore(),
      clock,
      sinks: [sink],
    });

    const fired = await engine.evaluateOnce(t0);
    expect(fired.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['inactive→firing']);
    await sink.drain(10_000);
    const active = await eventually(run, (alerts) => alerts[0]?.status.state === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]?.labels).toEqual({
      alertname: 'BellwetherIntegrationSpike',
      severity: 'critical',
      topic_kind: 'ticker',
      topic_key: 'ACME',
      run,
    });
    expect(active[0]?.annotations.summary).toBe('ACME negative share 100.0%');
    expect(Date.parse(active[0]?.endsAt ?? '')).toBeGreaterThan(Date.now());

    clock.set(Date.now());
    const resolved = await engine.evaluateOnce(clock.now());
    expect(resolved.transitions.map((t) => `${t.from}→${t.to}`)).toEqual(['firing→resolved']);
    await sink.drain(10_000);
    expect(sink.stats).toMatchObject({ delivered: 2, failed: 0 });
    // Alertmanager lists only alerts whose endsAt has not passed: the resolved one is gone.
    const after = await eventually(run, (alerts) => alerts.length === 0);
    expect(after).toEqual([]);
    await sink.close();
  });
});
