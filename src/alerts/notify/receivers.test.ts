// Webhook and Slack receivers against a real local HTTP receiver: v4 payload, HMAC signature, retries with backoff,
// Slack escaping, and URLs (which carry tokens) kept out of logs and errors.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/support/capture-logger.ts';
import { CaptureServer } from '../../../test/support/capture-server.ts';
import { freePort } from '../../../test/support/metrics-scrape.ts';
import type { Alert } from '../../core/alert.ts';
import { describeError } from '../../core/errors.ts';
import { AlertmanagerSink } from './alertmanager-sink.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { notifiedAlert, ZERO_TIME } from './payload.ts';
import { SIGNATURE_HEADER, SlackReceiver, slackMessage, WebhookReceiver } from './receivers.ts';
import type { Notification, Receiver } from './types.ts';

const firing: Alert = {
  rule: 'TickerNegativeSpike',
  labels: { topic_kind: 'ticker', topic_key: 'ACME', team: 'desk' },
  annotations: { summary: 'ACME: negative news spike', share: '0.8' },
  state: 'firing',
  severity: 'warning',
  activeAt: '2026-03-02T12:00:00.000Z',
  firedAt: '2026-03-02T12:02:00.000Z',
  evaluatedAt: '2026-03-02T12:05:00.000Z',
};
const resolved: Alert = {
  ...firing,
  labels: { ...firing.labels, topic_key: 'BETA' },
  annotations: { summary: 'BETA: negative news spike', share: '0.7' },
  state: 'resolved',
  resolvedAt: '2026-03-02T12:04:00.000Z',
};

const notification: Notification = {
  receiver: 'ops',
  groupKey: '{}:{"alertname":"TickerNegativeSpike"}',
  groupLabels: { alertname: 'TickerNegativeSpike' },
  status: 'firing',
  alerts: [notifiedAlert(firing, 'firing'), notifiedAlert(resolved, 'resolved')],
};

let server: CaptureServer;
beforeEach(async () => {
  server = new CaptureServer();
  await server.start();
});
afterEach(async () => {
  await server.stop();
});

describe('webhook receiver', () => {
  const webhook = (secret?: string) =>
    new WebhookReceiver({
      name: 'ops',
      url: `${server.url}/hook`,
      secret,
      sendResolved: true,
      timeoutMs: 10_000,
      externalUrl: 'http://dash.example:8080/',
    });

  it('posts Alertmanager webhook v4 JSON signed with HMAC-SHA256 over the raw body', async () => {
    await webhook('s3cret').send(notification);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hook');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = request?.body ?? '';
    const expected = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
    expect(request?.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(expected);
    const wrong = `sha256=${createHmac('sha256', 'other').update(body).digest('hex')}`;
    expect(request?.headers[SIGNATURE_HEADER.toLowerCase()]).not.toBe(wrong);

    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'ops',
      groupKey: notification.groupKey,
      groupLabels: { alertname: 'TickerNegativeSpike' },
      commonLabels: {
        alertname: 'TickerNegativeSpike',
        severity: 'warning',
        topic_kind: 'ticker',
        team: 'desk',
      },
      externalURL: 'http://dash.example:8080/',
      truncatedAlerts: 0,
    });
    expect(payload.commonLabels.topic_key).toBeUndefined();
    expect(payload.alerts).toHaveLength(2);
    expect(payload.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'TickerNegativeSpike', topic_key: 'ACME' },
      annotations: { share: '0.8' },
      startsAt: '2026-03-02T12:02:00.000Z',
      endsAt: ZERO_TIME,
      generatorURL: 'http://dash.example:8080/?topic=ticker%3AACME',
    });
    expect(payload.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(payload.alerts[1]).toMatchObject({
      status: 'resolved',
      endsAt: '2026-03-02T12:04:00.000Z',
    });
  });

  it('sends no signature header without a secret', async () => {
    await webhook().send(notification);
    expect(server.requests[0]?.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('retries on 500 with backoff until it is delivered, through the queue', async () => {
    server.statuses = [500, 503];
    const queue = new DeliveryQueue<Notification>((n) => webhook('k').send(n), {
      name: 'ops',
      maxAttempts: 5,
      baseDelayMs: 5,
      maxDelayMs: 20,
      capacity: 10,
    });
    queue.enqueue(notification);
    await queue.drain(5_000);
    expect(server.requests).toHaveLength(3);
    expect(queue.stats).toMatchObject({ delivered: 1, retried: 2, failed: 0 });
    // Each retry carries the same body and a valid signature.
    const bodies = new Set(server.requests.map((r) => r.body));
    expect(bodies.size).toBe(1);
  });

  it('gives up after maxAttempts, and at once on a 4xx', async () => {
    server.statuses = [500, 500, 500, 400];
    const queue = new DeliveryQueue<Notification>((n) => webhook().send(n), {
      name: 'ops',
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 5,
      capacity: 10,
    });
    queue.enqueue(notification);
    queue.enqueue(notification);
    await queue.drain(5_000);
    expect(server.requests).toHaveLength(4);
    expect(queue.stats).toMatchObject({ delivered: 0, retried: 2, failed: 2 });
  });

  it('issue 14 (Also) — waits as long as a 429 Retry-After asks, beyond maxDelayMs, and logs the wait', async () => {
    server.statuses = [429];
    server.failureHeaders = { 'retry-after': '1' };
    const { logger, lines } = captureLogger();
    const queue = new DeliveryQueue<Notification>((n) => webhook().send(n), {
      name: 'ops',
      maxAttempts: 2,
      baseDelayMs: 1,
      maxDelayMs: 10,
      capacity: 10,
      logger,
    });
    const started = Date.now();
    queue.enqueue(notification);
    await queue.drain(5_000);
    expect(queue.stats).toMatchObject({ delivered: 1, retried: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(lines).toContainEqual(
      expect.objectContaining({ retryInMs: 1_000, retryNote: 'as Retry-After asks' }),
    );
  });

  it('never blocks the caller: enqueue returns before delivery', async () => {
    const queue = new DeliveryQueue<Notification>((n) => webhook().send(n), {
      name: 'ops',
      maxAttempts: 1,
      baseDelayMs: 1,
      maxDelayMs: 1,
      capacity: 1,
    });
    const second = { ...notification, groupKey: 'second' };
    const third = { ...notification, groupKey: 'third' };
    queue.enqueue(notification);
    queue.enqueue(second);
    queue.enqueue(third);
    expect(server.requests).toHaveLength(0);
    // The first is in flight; the full queue drops the second, the oldest waiting, for the third.
    expect(queue.stats.dropped).toBe(1);
    await queue.drain(5_000);
    expect(server.requests.map((r) => JSON.parse(r.body).groupKey)).toEqual([
      notification.groupKey,
      'third',
    ]);
  });
});

describe('slack receiver', () => {
  it('posts text and blocks', async () => {
    const slack = new SlackReceiver({
      name: 'slack',
      url: `${server.url}/services/x`,
      sendResolved: true,
      timeoutMs: 10_000,
    });
    await slack.send(notification);
    const payload = JSON.parse(server.requests[0]?.body ?? '{}');
    expect(payload.text).toContain('1 firing, 1 resolved');
    expect(payload.text).toContain('[firing] ACME: negative news spike');
    expect(payload.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(payload.blocks[1].text.text).toContain('*[FIRING]* ACME');
  });
});

describe('issue 14.15 — Slack messages escape & < > in alert text, so a headline cannot ping the channel', () => {
  it('escapes summaries and descriptions in the mrkdwn sections and the text fallback', () => {
    const headline: Alert = {
      ...firing,
      annotations: {
        summary: '<!channel> AT&T <https://evil.example|click>',
        description: 'Headline: <@U123> falls >5%',
      },
    };
    const message = slackMessage({ ...notification, alerts: [notifiedAlert(headline, 'firing')] });
    const json = JSON.stringify(message);
    for (const raw of ['<!channel>', '<@U123>', '<https://', '>5%', 'AT&T']) {
      expect(json).not.toContain(raw);
    }
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*[FIRING]* &lt;!channel&gt; AT&amp;T &lt;https://evil.example|click&gt;\nHeadline: &lt;@U123&gt; falls &gt;5%',
      },
    });
    expect(message.text).toContain('[firing] &lt;!channel&gt; AT&amp;T');
  });

  it('cuts a long section without leaving half an escape at the end', () => {
    const long: Alert = { ...firing, annotations: { summary: '&'.repeat(3_000) } };
    const message = slackMessage({ ...notification, alerts: [notifiedAlert(long, 'firing')] });
    const text = (message.blocks[1] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(2_900);
    expect(text).toMatch(/(&amp;)+\n?$/);
  });
});

const SECRETS = ['PATHTOKEN', 'QUERYTOKEN', 'SLACKTOKEN', 'AMUSER', 'AMPASS'];

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
      sink.onEvaluation({ nowMs: 0, alerts: [firing], transitions: [] });
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
    sink.onEvaluation({ nowMs: 0, alerts: [firing], transitions: [] });
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
