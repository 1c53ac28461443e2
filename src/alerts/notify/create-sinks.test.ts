// Notifier config: defaults, Alertmanager, and unset secret variables reported together.
import { describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../config/alerts.ts';
import { silentLogger } from '../../core/logger.ts';
import { AlertmanagerSink } from './alertmanager-sink.ts';
import { createAlertSinks } from './create-sinks.ts';
import { GroupDispatcher } from './dispatcher.ts';

describe('notifier config', () => {
  it('defaults to the log receiver through the dispatcher, with Alertmanager-like timers', () => {
    const config = alertsConfigSchema.parse({});
    expect(config.route).toEqual({
      groupBy: ['alertname'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    const sinks = createAlertSinks(config, silentLogger);
    expect(sinks.map((s) => s.constructor)).toEqual([GroupDispatcher]);
  });

  it('adds Alertmanager when configured', () => {
    const config = alertsConfigSchema.parse({
      notifiers: { alertmanager: { url: 'http://127.0.0.1:9093' } },
    });
    expect(createAlertSinks(config, silentLogger).some((s) => s instanceof AlertmanagerSink)).toBe(
      true,
    );
  });

  it('names every unset secret or URL variable at once', () => {
    const config = alertsConfigSchema.parse({
      notifiers: {
        webhooks: [{ url: 'http://127.0.0.1:1/hook', secretEnv: 'BW_TEST_SECRET' }],
        slack: [{ urlEnv: 'BW_TEST_SLACK' }],
      },
    });
    expect(() => createAlertSinks(config, silentLogger, {})).toThrow(
      /webhooks\.0\.secretEnv: \$BW_TEST_SECRET is not set[\s\S]*slack\.0\.urlEnv: \$BW_TEST_SLACK is not set/,
    );
    expect(
      createAlertSinks(config, silentLogger, {
        BW_TEST_SECRET: 'x',
        BW_TEST_SLACK: 'http://127.0.0.1:1/s',
      }),
    ).toHaveLength(1);
  });

  it('rejects a Slack receiver with both or neither of url and urlEnv', () => {
    expect(alertsConfigSchema.safeParse({ notifiers: { slack: [{}] } }).success).toBe(false);
    expect(
      alertsConfigSchema.safeParse({
        notifiers: { slack: [{ url: 'http://a.example/', urlEnv: 'X' }] },
      }).success,
    ).toBe(false);
  });
});
