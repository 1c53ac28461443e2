import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadConfig, parseConfig } from './load.ts';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('gives the embedded mode with no file and no environment', () => {
    const { config, source } = loadConfig(undefined, {});
    expect(source).toBe('defaults');
    expect(config.bus.type).toBe('memory');
    expect(config.store.type).toBe('embedded');
    expect(config.bus.topics).toEqual({ raw: 'news.raw', scored: 'news.scored', dlq: 'news.dlq' });
  });

  it('names every problem of a broken config in one error, with its path', () => {
    const problems = problemsOf(() =>
      parseConfig({
        bus: { type: 'kafka', brokers: [], partitions: 0 },
        store: { type: 'mysql' },
        web: { port: 'eighty' },
        model: { backend: 'tpu' },
        scoring: { maxBatchSize: -1 },
        surprise: true,
      }),
    );
    const text = problems.join('\n');
    for (const path of [
      'bus.brokers',
      'bus.partitions',
      'store.type',
      'web.port',
      'model.backend',
      'scoring.maxBatchSize',
    ]) {
      expect(text).toContain(`${path}:`);
    }
    expect(text).toMatch(/Unrecognized key.*surprise/);
    expect(problems).toHaveLength(7);
  });

  it('refuses non-HTTP notifier, dashboard-link and ClickHouse URLs, naming each key', () => {
    const problems = problemsOf(() =>
      parseConfig({
        store: { type: 'clickhouse', url: 'file:///var/lib/clickhouse' },
        alerts: {
          externalUrl: 'javascript:alert(1)',
          notifiers: {
            webhooks: [{ url: 'file:///etc/passwd' }],
            slack: [{ url: 'data:text/plain,hi' }],
            alertmanager: { url: 'ftp://am.internal/' },
          },
        },
      }),
    );
    const text = problems.join('\n');
    for (const path of [
      'store.url',
      'alerts.externalUrl',
      'alerts.notifiers.webhooks.0.url',
      'alerts.notifiers.slack.0.url',
      'alerts.notifiers.alertmanager.url',
    ]) {
      expect(text).toMatch(
        new RegExp(`${path.replaceAll('.', '\\.')}: must be an http:// or https:// URL`),
      );
    }
  });

  it('reports unreadable and malformed files with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-config-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'bus: [unclosed\n');
    expect(() => loadConfig(bad, {})).toThrow(/bad\.yaml.*\n.*not valid YAML/);
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/file not found/);
    const list = join(dir, 'list.json');
    writeFileSync(list, '[1,2]');
    expect(() => loadConfig(list, {})).toThrow(/expected a mapping/);
  });

  it('applies environment overrides for endpoints and secrets, validated like the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'store:\n  type: clickhouse\n  url: http://127.0.0.1:8123\n');
    const { config, envApplied } = loadConfig(file, {
      BELLWETHER_BUS: 'kafka',
      BELLWETHER_KAFKA_BROKERS: 'a:9092, b:9092',
      BELLWETHER_CLICKHOUSE_PASSWORD: 's3cret',
    });
    expect(config.bus.type === 'kafka' && config.bus.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.store.type === 'clickhouse' && config.store.password).toBe('s3cret');
    expect(envApplied).toEqual([
      'BELLWETHER_BUS',
      'BELLWETHER_KAFKA_BROKERS',
      'BELLWETHER_CLICKHOUSE_PASSWORD',
    ]);
    expect(() => loadConfig(file, { BELLWETHER_WEB_PORT: 'abc' })).toThrow(/web\.port/);
  });
});

describe('environment overrides of tagged unions', () => {
  it('applies a variant field to the default variant, and ignores fields of a variant not in use', () => {
    const embedded = loadConfig(undefined, {
      BELLWETHER_STORE_PATH: '/tmp/x',
      BELLWETHER_CLICKHOUSE_URL: 'http://ch:8123',
      BELLWETHER_KAFKA_BROKERS: 'k:9092',
    });
    expect(embedded.config.store).toEqual({ type: 'embedded', path: '/tmp/x' });
    expect(embedded.config.bus.type).toBe('memory');
    expect(embedded.envApplied).toEqual(['BELLWETHER_STORE_PATH']);
    const clickhouse = loadConfig(undefined, {
      BELLWETHER_STORE: 'clickhouse',
      BELLWETHER_CLICKHOUSE_URL: 'http://ch:8123',
    });
    expect(clickhouse.config.store.type === 'clickhouse' && clickhouse.config.store.url).toBe(
      'http://ch:8123',
    );
  });
});
