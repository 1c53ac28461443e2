/** Builds the configured notifiers: the grouping dispatcher over log/webhook/Slack receivers, and the Alertmanager pusher. */
import type { AlertsConfig } from '../../config/alerts.ts';
import { ConfigError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { AlertmanagerSink } from './alertmanager-sink.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { type DispatchTarget, GroupDispatcher } from './dispatcher.ts';
import { LogReceiver, SlackReceiver, WebhookReceiver } from './receivers.ts';
import type { AlertSink, Notification, Receiver } from './types.ts';

/** Every sink the config asks for; a secret or URL named by an unset environment variable is a ConfigError. */
export function createAlertSinks(
  config: AlertsConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): AlertSink[] {
  const { notifiers } = config;
  const problems: string[] = [];
  const receivers: Receiver[] = [];
  if (notifiers.log) receivers.push(new LogReceiver(logger));
  notifiers.webhooks.forEach((hook, index) => {
    let secret: string | undefined;
    if (hook.secretEnv !== undefined) {
      secret = env[hook.secretEnv];
      if (!secret) {
        problems.push(
          `alerts.notifiers.webhooks.${index}.secretEnv: $${hook.secretEnv} is not set`,
        );
      }
    }
    receivers.push(
      new WebhookReceiver({
        name: hook.name,
        url: hook.url,
        secret,
        sendResolved: hook.sendResolved,
        timeoutMs: hook.timeoutMs,
        externalUrl: config.externalUrl,
      }),
    );
  });
  notifiers.slack.forEach((slack, index) => {
    const url = slack.url ?? (slack.urlEnv ? env[slack.urlEnv] : undefined);
    if (!url) {
      problems.push(`alerts.notifiers.slack.${index}.urlEnv: $${slack.urlEnv ?? ''} is not set`);
      return;
    }
    receivers.push(
      new SlackReceiver({
        name: slack.name,
        url,
        sendResolved: slack.sendResolved,
        timeoutMs: slack.timeoutMs,
      }),
    );
  });
  if (problems.length > 0) throw new ConfigError('alert notifiers', problems);

  const names = new Set<string>();
  const targets: DispatchTarget[] = receivers.map((receiver) => {
    if (names.has(receiver.name)) problems.push(`two receivers are named ${receiver.name}`);
    names.add(receiver.name);
    const queue = new DeliveryQueue<Notification>((n) => receiver.send(n), {
      name: receiver.name,
      ...notifiers.retry,
      capacity: notifiers.queueCapacity,
      logger,
    });
    return { receiver, queue };
  });
  if (problems.length > 0) throw new ConfigError('alert notifiers', problems);

  const sinks: AlertSink[] = [new GroupDispatcher(targets, config.route, logger)];
  if (notifiers.alertmanager) {
    sinks.push(
      new AlertmanagerSink({
        ...notifiers.alertmanager,
        externalUrl: config.externalUrl,
        ...notifiers.retry,
        logger,
      }),
    );
  }
  return sinks;
}
