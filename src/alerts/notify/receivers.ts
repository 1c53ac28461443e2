/** The receivers a grouped notification goes to: log, signed generic webhook, Slack-compatible webhook. */
import { createHmac } from 'node:crypto';
import type { Logger } from '../../core/logger.ts';
import { postBody } from './http-post.ts';
import { webhookPayload } from './payload.ts';
import type { Notification, Receiver } from './types.ts';

export const SIGNATURE_HEADER = 'X-Bellwether-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: receivers recompute it over the bytes they got. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class LogReceiver implements Receiver {
  readonly name = 'log';
  readonly sendResolved = true;
  constructor(private readonly logger: Logger) {}

  async send(n: Notification): Promise<void> {
    for (const alert of n.alerts) {
      const fields = {
        rule: alert.rule,
        status: alert.status,
        topic: `${alert.labels.topic_kind}:${alert.labels.topic_key}`,
        severity: alert.severity,
        summary: alert.annotations.summary,
        startsAt: alert.startsAt,
        ...(alert.status === 'resolved' ? { endsAt: alert.endsAt } : {}),
      };
      if (alert.status === 'firing') this.logger.warn(fields, 'ALERT firing');
      else this.logger.info(fields, 'ALERT resolved');
    }
  }
}

export interface WebhookReceiverOptions {
  name: string;
  url: string;
  secret?: string | undefined;
  sendResolved: boolean;
  timeoutMs: number;
  externalUrl: string;
}

export class WebhookReceiver implements Receiver {
  readonly name: string;
  readonly sendResolved: boolean;
  constructor(private readonly options: WebhookReceiverOptions) {
    this.name = options.name;
    this.sendResolved = options.sendResolved;
  }

  async send(n: Notification): Promise<void> {
    const body = JSON.stringify(webhookPayload(n, this.options.externalUrl));
    const headers: Record<string, string> = {};
    if (this.options.secret !== undefined)
      headers[SIGNATURE_HEADER] = signBody(body, this.options.secret);
    await postBody({
      service: `webhook ${this.name}`,
      url: this.options.url,
      body,
      headers,
      timeoutMs: this.options.timeoutMs,
    });
  }
}

export interface SlackReceiverOptions {
  name: string;
  url: string;
  sendResolved: boolean;
  timeoutMs: number;
}

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` pings everyone), so alert text is escaped. */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** At most `max` characters of escaped text, never ending inside an escape. */
function cutEscaped(text: string, max: number): string {
  return text.slice(0, max).replace(/&[a-z]{0,3}$/, '');
}

/** Slack's incoming-webhook message: a plain `text` fallback plus one mrkdwn section per alert. */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const firing = n.alerts.filter((a) => a.status === 'firing').length;
  const resolved = n.alerts.length - firing;
  const head = `${n.status === 'firing' ? ':rotating_light:' : ':white_check_mark:'} ${
    n.alerts[0]?.rule ?? 'bellwether'
  }: ${firing} firing, ${resolved} resolved`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: head.slice(0, 150) } },
  ];
  for (const alert of n.alerts.slice(0, 20)) {
    const summary = slackEscape(alert.annotations.summary ?? alert.rule);
    const description = slackEscape(alert.annotations.description ?? '');
    const line = `*[${alert.status.toUpperCase()}]* ${summary}\n${description}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutEscaped(line, 2900) } });
  }
  // The fallback is read as mrkdwn too (it is what notifications show).
  const text = [
    slackEscape(head),
    ...n.alerts.map((a) => `[${a.status}] ${slackEscape(a.annotations.summary ?? a.rule)}`),
  ].join('\n');
  return { text, blocks };
}

export class SlackReceiver implements Receiver {
  readonly name: string;
  readonly sendResolved: boolean;
  constructor(private readonly options: SlackReceiverOptions) {
    this.name = options.name;
    this.sendResolved = options.sendResolved;
  }

  async send(n: Notification): Promise<void> {
    await postBody({
      service: `slack ${this.name}`,
      url: this.options.url,
      body: JSON.stringify(slackMessage(n)),
      timeoutMs: this.options.timeoutMs,
    });
  }
}
