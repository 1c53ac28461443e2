// A replay is finite: once it is all published, and once the scorer has taken it all, no stage may hold a
// last partial batch for its linger, waiting for messages that cannot come (each finite run ended up to
// scoring.lingerMs + sink.lingerMs late, and bench:pipeline counted that wait as work).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { silentLogger } from '../core/logger.ts';
import { Pipeline } from './pipeline.ts';

const work = mkdtempSync(join(tmpdir(), 'bellwether-finite-input-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a finite input (replay)', () => {
  it('drains without waiting out either stage’s linger once everything is published', async () => {
    const { config } = loadConfig(undefined, {
      BELLWETHER_STORE_PATH: join(work, 'store'),
      BELLWETHER_ENTITIES: 'off',
    });
    config.web.enabled = false;
    config.alerts.enabled = false;
    // Lingers far longer than the run: the stream's last items fill a batch of neither stage.
    const lingerMs = 60_000;
    config.scoring.lingerMs = lingerMs;
    config.sink.lingerMs = lingerMs;
    const pipeline = new Pipeline({
      config,
      logger: silentLogger,
      replay: { dir: 'fixtures/streams/shock-tsla', speed: 'max' },
    });
    await pipeline.start();
    try {
      const started = performance.now();
      expect(await pipeline.untilDrained(AbortSignal.timeout(150_000))).toBe(true);
      const drainedMs = performance.now() - started;
      const summary = pipeline.summary();
      expect(summary.ingested).toBeGreaterThan(0);
      expect(summary.ingested % config.scoring.maxBatchSize).toBeGreaterThan(0);
      expect(summary.stored).toBe(summary.ingested);
      expect(summary.dlq).toBe(0);
      // One linger alone would be 60 s; scoring these items takes a few seconds, even on a loaded machine.
      expect(drainedMs).toBeLessThan(lingerMs / 3);
    } finally {
      await pipeline.stop();
    }
  }, 200_000);
});
