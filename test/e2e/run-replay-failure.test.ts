// A replay that fails in `run` without --until-drained: the failure is logged with its context, what was
// already published drains into the store, and the process exits non-zero instead of dying of an unhandled rejection.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Bus } from '../../src/core/bus.ts';
import { ServiceError } from '../../src/core/errors.ts';
import { Pipeline } from '../../src/pipeline/pipeline.ts';
import { repoRoot, runCli } from '../support/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'bellwether-replay-failure-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stream of the shock fixture's 418 JSONL items: the replay publishes them in batches of 256. */
function streamDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  copyFileSync(
    join(repoRoot, 'fixtures/streams/shock-tsla/tapefeed.jsonl'),
    join(dir, 'tapefeed.jsonl'),
  );
  return dir;
}

/** The real memory bus, except that publishing to `topic` fails once `okBatches` batches went out (a lost broker). */
function failingAfter(bus: Bus, topic: string, okBatches: number): Bus {
  let batches = 0;
  return new Proxy(bus, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name === 'publish') {
        return async (to: string, messages: Parameters<Bus['publish']>[1]) => {
          if (to === topic && ++batches > okBatches) {
            throw new ServiceError('memory bus', 'broker connection lost', { retriable: true });
          }
          return target.publish(to, messages);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('issue 14.11 — a replay error in `run` without --until-drained has an owner', () => {
  it('through the pipeline API: the error is logged with context, reported, and in-flight items drain', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const { config } = loadConfig(undefined, { BELLWETHER_STORE_PATH: join(work, 'api-store') });
    config.web.enabled = false;
    config.alerts.enabled = false;
    const bus = createBus(config.bus, logger);
    await bus.connect();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const pipeline = new Pipeline({
      config,
      logger,
      bus: failingAfter(bus, config.bus.topics.raw, 1),
      replay: { dir: streamDir('api-stream'), speed: 'max' },
    });
    try {
      await pipeline.start();
      // As `run` waits for Ctrl-C: the failure ends the wait instead of crashing the process.
      await expect(pipeline.untilStopped(AbortSignal.timeout(60_000))).rejects.toThrow(
        'broker connection lost',
      );
      await pipeline.stop();
      const failure = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry.msg === 'replay failed');
      expect(failure).toMatchObject({
        level: 50,
        task: 'replay',
        stream: expect.stringContaining('api-stream'),
      });
      expect(JSON.stringify(failure?.err)).toContain('broker connection lost');
      const summary = pipeline.summary();
      expect(summary.ingested).toBe(256);
      expect(summary.stored).toBe(256);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('through the CLI: logs the failure, drains, stops, and exits 1', async () => {
    const dir = streamDir('cli-stream');
    // A file the replay cannot read: the failure comes from the stream itself.
    mkdirSync(join(dir, 'unreadable.jsonl'));
    const result = await runCli(['run', '--replay', dir, '--speed', 'max', '--no-web'], {
      BELLWETHER_STORE_PATH: join(work, 'cli-store'),
      BELLWETHER_LOG_LEVEL: 'info',
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/"msg":"replay failed"/);
    expect(result.stderr).toMatch(/"stream":"[^"]*cli-stream"/);
    expect(result.stderr).toContain('bellwether: ');
    expect(result.stderr).not.toContain('triggerUncaughtException');
  }, 120_000);
});
