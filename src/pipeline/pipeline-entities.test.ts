// Issue 15.5 through the whole pipeline: replayed items reach the store with per-company sentiment; an
// entity model that fails costs no item; a missing one stops the start before anything is opened.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LexiconEntityScorer } from '../../test/support/lexicon-entity-scorer.ts';
import { loadConfig } from '../config/load.ts';
import { ConfigError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScoredItem } from '../core/news.ts';
import { Pipeline } from './pipeline.ts';

const work = mkdtempSync(join(tmpdir(), 'bellwether-pipeline-entities-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const STREAM = 'fixtures/streams/shock-tsla';

function configFor(name: string, mode: string) {
  const { config } = loadConfig(undefined, {
    BELLWETHER_STORE_PATH: join(work, name),
    BELLWETHER_ENTITIES: mode,
    // The directory must exist; the test's loader stands in for the model in it.
    BELLWETHER_ENTITY_MODEL: work,
  });
  config.web.enabled = false;
  config.alerts.enabled = false;
  return config;
}

async function replay(name: string, mode: string, entityScorer: LexiconEntityScorer) {
  const stored: ScoredItem[] = [];
  const pipeline = new Pipeline({
    config: configFor(name, mode),
    logger: silentLogger,
    replay: { dir: STREAM, speed: 'max' },
    entityLoader: async () => entityScorer,
    observer: { onStored: (items) => stored.push(...items) },
  });
  await pipeline.start();
  await pipeline.untilDrained(AbortSignal.timeout(120_000));
  const summary = pipeline.summary();
  const failures = await pipeline.metrics.registry.getSingleMetricAsString(
    'bellwether_entity_scoring_failures_total',
  );
  await pipeline.stop();
  return { stored, summary, failures };
}

describe('issue 15.5 — entity scoring in the pipeline', () => {
  it('stores items naming companies with one entity score per company, the others without', async () => {
    const scorer = new LexiconEntityScorer();
    const { stored, summary } = await replay('always', 'always', scorer);
    expect(summary.stored).toBe(summary.ingested);
    const withEntities = stored.filter((item) => item.entities !== undefined);
    expect(withEntities.length).toBeGreaterThan(0);
    expect(summary.entities?.items).toBe(withEntities.length);
    for (const item of withEntities) {
      expect(item.entities?.length).toBeGreaterThan(0);
      for (const entity of item.entities ?? []) {
        expect(item.title).toContain(entity.mention);
        expect(entity.modelVersion).toBe('entity-lexicon-1');
        expect(item.topics).toContainEqual(
          expect.objectContaining({ kind: 'ticker', key: entity.ticker }),
        );
      }
    }
    // One entity call per scored batch, never one per item.
    expect(scorer.calls.length).toBeLessThan(withEntities.length);
  }, 180_000);

  it('stores every item, without entities, when the entity scorer fails, and counts them', async () => {
    const scorer = new LexiconEntityScorer();
    scorer.down = true;
    const { stored, summary, failures } = await replay('down', 'always', scorer);
    expect(summary.stored).toBe(summary.ingested);
    expect(summary.dlq).toBe(0);
    expect(stored.every((item) => item.entities === undefined)).toBe(true);
    expect(summary.entities?.failedItems).toBeGreaterThan(0);
    expect(failures).toContain(
      `bellwether_entity_scoring_failures_total ${summary.entities?.failedItems}`,
    );
  }, 180_000);

  it('refuses to start without the entity model, before opening the store', async () => {
    const { config } = loadConfig(undefined, {
      BELLWETHER_STORE_PATH: join(work, 'never-opened'),
      BELLWETHER_ENTITY_MODEL: join(work, 'no-such-model'),
    });
    const pipeline = new Pipeline({ config, logger: silentLogger });
    const error = await pipeline.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toContain(
      `no entity model directory at ${join(work, 'no-such-model')}`,
    );
    expect(existsSync(join(work, 'never-opened'))).toBe(false);
    await pipeline.stop();
  });
});
