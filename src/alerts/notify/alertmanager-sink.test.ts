// The Alertmanager pusher against a real local HTTP receiver: payload, endsAt, resend cadence, retries.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureServer } from '../../../test/support/capture-server.ts';
import type { Alert } from '../../core/alert.ts';
import { AlertmanagerSink } from './alertmanager-sink.ts';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const S = 1_000;

const firing: Alert = {
  rule: 'Spike',
  labels: { topic_kind: 'ticker', topic_key: 'ACME' },
  annotations: { summary: 'ACME' },
  state: 'firing',
  severity: 'critical',
  firedAt: new Date(T0).toISOString(),
  evaluatedAt: new Date(T0).toISOString(),
};

describe('Alertmanager sink (against a local HTTP receiver)', () => {
  let server: CaptureServer;
  let sink: AlertmanagerSink;
  beforeEach(async () => {
    server = new CaptureServer();
    await server.start();
    sink = new AlertmanagerSink({
      url: server.url,
      resendDelayMs: 60 * S,
      timeoutMs: 10_000,
      externalUrl: 'http://127.0.0.1:8080/',
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });
  });
  afterEach(async () => {
    await sink.close();
    await server.stop();
  });

  const step = async (nowMs: number, alerts: Alert[]) => {
    sink.onEvaluation({ nowMs, alerts, transitions: [] });
    await sink.drain(2_000);
  };

  it('posts firing alerts with a future endsAt, re-sends them each resend delay, and resolves with endsAt', async () => {
    await step(T0, [firing]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/api/v2/alerts');
    const [posted] = JSON.parse(server.requests[0]?.body ?? '[]');
    expect(posted.labels).toEqual({
      alertname: 'Spike',
      severity: 'critical',
      topic_kind: 'ticker',
      topic_key: 'ACME',
    });
    expect(posted.startsAt).toBe(new Date(T0).toISOString());
    expect(posted.endsAt).toBe(new Date(T0 + 4 * 60 * S).toISOString());

    await step(T0 + 15 * S, [firing]);
    expect(server.requests).toHaveLength(1);
    await step(T0 + 60 * S, [firing]);
    expect(server.requests).toHaveLength(2);

    const resolvedAt = new Date(T0 + 75 * S).toISOString();
    await step(T0 + 75 * S, [{ ...firing, state: 'resolved', resolvedAt }]);
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(server.requests[2]?.body ?? '[]')[0].endsAt).toBe(resolvedAt);
  });

  it('retries a failed post', async () => {
    server.statuses = [502];
    await step(T0, [firing]);
    expect(server.requests).toHaveLength(2);
    expect(sink.stats.delivered).toBe(1);
  });
});
