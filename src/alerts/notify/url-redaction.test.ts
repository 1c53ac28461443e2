// Notifier URLs carry tokens (Slack and webhook paths, query keys, user:pass@): failed deliveries must not log or throw them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/capture-logger.ts';
import { freePort } from '../../../test/support/metrics-scrape.ts';
import type { Alert } from '../../core/alert.ts';
import { describeError } from '../../core/errors.ts';
import { AlertmanagerSink } from './alertmanager-sink.ts';
import { CaptureServer } from './capture-server.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { notifiedAlert } from './payload.ts';
import { SlackReceiver, WebhookReceiver } from './receivers.ts';
import type { Notification, Receiver } from './types.ts';

const SECRETS = ['PATHTOKEN', 'QUERYTOKEN', 'SLACKTOKEN', 'AMUSER', 'AMPASS'];

const alert: Alert = {
  rule: 'TickerNegativeSpike',
  labels: { topic_kind: 'ticker', topic_key: 'ACME' },
  annotations: { summary: 'ACME: negative news spike' },
  state: 'firing',
  severity: 'warning',
  activeAt: '2026-03-02T12:00:00.000Z',
  firedAt: '2026-03-02T12:02:00.000Z',
  evaluatedAt: '2026-03-02T12:05:00.000Z',
};
const notification: Notification = {
  receiver: 'ops',
  groupKey: 'g',
  groupLabels: { alertname: alert.rule },
  status: 'firing',
  alerts: [notifiedAlert(alert, 'firing')],
};

function receiversAt(base: string): Receiver[] {
  const common = { sendResolved: true, timeoutMs: 5_000 };
  return [
    new WebhookReceiver({
      ...common,
      name: 'hook',
      url: `${base}/hooks/PATHTOKEN?token=QUERYTOKEN`,
      externalUrl: 'http://127.0.0.1:8080/',
    }),
    new SlackReceiver({ ...common, name: 'slack', url: `${base}/services/T0/B0/SLACKTOKEN` }),
  ];
}

describe('issue 14.14 — notifier URLs with tokens never appear in logs or error messages', () => {
  let server: CaptureServer;
  beforeEach(async () => {
    server = new CaptureServer();
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('webhook, Slack and Alertmanager deliveries that get 500 or connection refused', async () => {
    server.statuses = Array.from({ length: 20 }, () => 500);
    const refused = `http://127.0.0.1:${await freePort()}`;
    const { logger, lines } = captureLogger();
    const thrown: string[] = [];
    for (const receiver of [...receiversAt(server.url), ...receiversAt(refused)]) {
      await receiver.send(notification).catch((error) => thrown.push(describeError(error)));
      const queue = new DeliveryQueue<Notification>((n) => receiver.send(n), {
        name: receiver.name,
        maxAttempts: 2,
        baseDelayMs: 1,
        maxDelayMs: 1,
        capacity: 1,
        logger,
      });
      queue.enqueue(notification);
      await queue.drain(5_000);
    }
    for (const base of [server.url, refused]) {
      const sink = new AlertmanagerSink({
        url: base.replace('http://', 'http://AMUSER:AMPASS@'),
        resendDelayMs: 60_000,
        timeoutMs: 5_000,
        externalUrl: 'http://127.0.0.1:8080/',
        maxAttempts: 2,
        baseDelayMs: 1,
        maxDelayMs: 1,
        logger,
      });
      sink.onEvaluation({ nowMs: 0, alerts: [alert], transitions: [] });
      await sink.drain(5_000);
    }

    expect(thrown).toHaveLength(4);
    expect(thrown.join('\n')).toMatch(/answered 500/);
    expect(thrown.join('\n')).toMatch(/ECONNREFUSED/);
    const failures = lines.filter((line) => line.msg === 'notification delivery failed');
    expect(failures).toHaveLength(12);
    const output = JSON.stringify(lines) + thrown.join('\n');
    for (const secret of SECRETS) expect(output).not.toContain(secret);
    // The targets stay recognisable: scheme, host and port are kept.
    expect(output).toContain(server.url);
  });

  it('sends user:pass@ from the URL as Basic auth, which fetch would refuse with the URL in its error', async () => {
    const sink = new AlertmanagerSink({
      url: server.url.replace('http://', 'http://AMUSER:AM%20PASS@'),
      resendDelayMs: 60_000,
      timeoutMs: 5_000,
      externalUrl: 'http://127.0.0.1:8080/',
      maxAttempts: 1,
      baseDelayMs: 1,
      maxDelayMs: 1,
    });
    sink.onEvaluation({ nowMs: 0, alerts: [alert], transitions: [] });
    await sink.drain(5_000);
    expect(sink.stats.delivered).toBe(1);
    expect(server.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('AMUSER:AM PASS').toString('base64')}`,
    );
  });

  it('reports a Slack URL from the environment that is not a URL without quoting it', async () => {
    const slack = new SlackReceiver({
      name: 'slack',
      url: 'hooks.example/services/T0/B0/SLACKTOKEN',
      sendResolved: true,
      timeoutMs: 5_000,
    });
    const error = await slack.send(notification).catch((e: unknown) => e);
    expect(describeError(error)).toBe('slack slack: POST (unparseable URL): not a URL');
  });
});
