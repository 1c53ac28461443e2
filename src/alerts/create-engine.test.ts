// The live engine built from config: rules file, watchlist sectors and a signed webhook receive a real notification; stop drains and closes.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureServer } from '../../test/support/capture-server.ts';
import { alertsConfigSchema } from '../config/alerts.ts';
import { ManualClock } from '../core/clock.ts';
import { ConfigError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { createAlertEngine } from './create-engine.ts';
import { MemoryDataSource, type ScoredMention } from './data-source.ts';
import { MemoryAlertStateStore } from './memory-state-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-create-engine-'));
const MIN = 60_000;
const T = Date.parse('2026-03-10T15:00:00Z');

function writeRules(text: string): string {
  const path = join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe('createAlertEngine', () => {
  it('wires rules, sectors and a signed webhook, and delivers the first firing', async () => {
    const server = new CaptureServer();
    await server.start();
    try {
      const config = alertsConfigSchema.parse({
        rulesFile: writeRules(
          'rules:\n  - name: EnergySpike\n    select: { kinds: [ticker], sectors: [Energy] }\n    detector: { type: negative-share-spike, window: 30m, baseline: 2h, minCount: 5, margin: 0.2 }\n',
        ),
        route: { groupWaitMs: 0 },
        notifiers: {
          log: false,
          webhooks: [{ url: `${server.url}/hook`, secretEnv: 'BW_HOOK_SECRET' }],
        },
      });
      const mentions: ScoredMention[] = [];
      for (const key of ['XOM', 'AAPL']) {
        for (let i = 0; i < 8; i++) {
          mentions.push({
            kind: 'ticker',
            key,
            publishedAtMs: T - (20 - i) * MIN,
            label: 'negative',
            score: -0.9,
          });
        }
      }
      const live = createAlertEngine({
        config,
        watchlistPath: 'config/watchlist.json',
        dataSource: new MemoryDataSource(mentions),
        stateStore: new MemoryAlertStateStore(),
        clock: new ManualClock(T),
        logger: silentLogger,
        env: { BW_HOOK_SECRET: 'topsecret' },
      });
      await live.start();
      await live.engine.evaluateOnce(T);
      await live.stop(5_000);
      expect(server.requests).toHaveLength(1);
      const request = server.requests[0];
      const body = request?.body ?? '';
      expect(request?.headers['x-bellwether-signature']).toBe(
        `sha256=${createHmac('sha256', 'topsecret').update(body).digest('hex')}`,
      );
      const payload = JSON.parse(body);
      // Only the Energy ticker is in the rule's sector group.
      expect(
        payload.alerts.map((a: { labels: { topic_key: string } }) => a.labels.topic_key),
      ).toEqual(['XOM']);
    } finally {
      await server.stop();
    }
  });

  it('reports rule problems and unset secrets as ConfigErrors', () => {
    const bad = alertsConfigSchema.parse({
      rulesFile: writeRules(
        'rules:\n  - name: A\n    select: { sectors: [Atlantis] }\n    detector: { type: mean-score-drop }\n',
      ),
    });
    const deps = {
      watchlistPath: 'config/watchlist.json',
      dataSource: new MemoryDataSource([]),
      stateStore: new MemoryAlertStateStore(),
      clock: new ManualClock(T),
      logger: silentLogger,
    };
    expect(() => createAlertEngine({ config: bad, ...deps })).toThrow(/unknown sector "Atlantis"/);
    const unset = alertsConfigSchema.parse({
      rulesFile: 'config/rules.yaml',
      notifiers: { webhooks: [{ url: 'http://127.0.0.1:9/hook', secretEnv: 'BW_UNSET_SECRET' }] },
    });
    expect(() => createAlertEngine({ config: unset, ...deps, env: {} })).toThrow(ConfigError);
  });
});
