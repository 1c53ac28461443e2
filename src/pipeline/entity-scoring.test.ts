// Issue 15.5: entity scoring is opened from scoring.entities; a missing or broken model stops the start
// with an error naming the path and how to turn entity scoring off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LexiconEntityScorer } from '../../test/support/lexicon-entity-scorer.ts';
import { entityScoringConfigSchema } from '../config/entities.ts';
import { ConfigError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { entityScorerLoader } from './components.ts';
import { type EntityScorerLoader, openEntityScoring } from './entity-scoring.ts';

const mentions = { companyMentions: () => [] };
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const modelDir = () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-entity-model-'));
  return dir;
};

async function startupError(config: object, load: EntityScorerLoader): Promise<string> {
  const error = await openEntityScoring({
    config: entityScoringConfigSchema.parse(config),
    mentions,
    load,
    logger: silentLogger,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe('openEntityScoring', () => {
  it('opens nothing, and loads nothing, when the mode is off', async () => {
    let loads = 0;
    const scoring = await openEntityScoring({
      config: entityScoringConfigSchema.parse({ mode: 'off', model: '/nonexistent/entity' }),
      mentions,
      load: async () => {
        loads++;
        return new LexiconEntityScorer();
      },
      logger: silentLogger,
    });
    expect(scoring).toBeUndefined();
    expect(loads).toBe(0);
  });

  it('refuses a missing model directory, naming it and the way to turn entity scoring off', async () => {
    const message = await startupError({ model: '/nonexistent/entity' }, async () => {
      throw new Error('must not be called');
    });
    expect(message).toMatch(
      /scoring\.entities\.model: no entity model directory at \/nonexistent\/entity \(mode multi\)/,
    );
    expect(message).toMatch(/scoring\.entities\.mode: off \(or BELLWETHER_ENTITIES=off\)/);
  });

  it('refuses a model directory that does not load, with the loader’s reason', async () => {
    const path = modelDir();
    const message = await startupError({ mode: 'always', model: path }, async () => {
      throw new Error('meta.json is not an entity model’s meta');
    });
    expect(message).toContain(
      `cannot load the entity model at ${path}: meta.json is not an entity model’s meta (mode always)`,
    );
    expect(message).toMatch(/BELLWETHER_ENTITIES=off/);
  });

  it('refuses, through the real entity model loader, a directory that holds no entity model', async () => {
    const path = modelDir();
    const message = await startupError({ model: path }, entityScorerLoader('cpu'));
    expect(message).toContain(`cannot load the entity model at ${path}: `);
    expect(message).toContain('meta.json');
  });

  it('gives the loaded scorer with the configured mode and limit', async () => {
    const path = modelDir();
    const scorer = new LexiconEntityScorer('entity-test-7');
    const loaded: string[] = [];
    const scoring = await openEntityScoring({
      config: entityScoringConfigSchema.parse({ mode: 'always', model: path, maxPerItem: 3 }),
      mentions,
      load: async (at) => {
        loaded.push(at);
        return scorer;
      },
      logger: silentLogger,
    });
    expect(loaded).toEqual([path]);
    expect(scoring?.scorer).toBe(scorer);
    expect(scoring).toMatchObject({
      mode: 'always',
      maxPerItem: 3,
      counters: { items: 0, failedCalls: 0 },
    });
  });
});
