import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadConfig, parseConfig } from './load.ts';

describe('issue 15.5 — scoring.entities config', () => {
  it('defaults to multi-company titles, models/entity, at most 8 per item', () => {
    expect(loadConfig(undefined, {}).config.scoring.entities).toEqual({
      mode: 'multi',
      model: 'models/entity',
      maxPerItem: 8,
    });
  });

  it('keeps the stage batching defaults beside it', () => {
    const { scoring, sink } = loadConfig(undefined, {}).config;
    expect(scoring).toMatchObject({ group: 'bellwether-scorer', maxBatchSize: 256, lingerMs: 50 });
    expect(sink).toEqual({ group: 'bellwether-sink', maxBatchSize: 5000, lingerMs: 250 });
  });

  it('takes the mode and model from BELLWETHER_ENTITIES and BELLWETHER_ENTITY_MODEL', () => {
    const { config, envApplied } = loadConfig(undefined, {
      BELLWETHER_ENTITIES: 'always',
      BELLWETHER_ENTITY_MODEL: '/opt/models/entity-v2',
    });
    expect(config.scoring.entities).toEqual({
      mode: 'always',
      model: '/opt/models/entity-v2',
      maxPerItem: 8,
    });
    expect(envApplied).toEqual(['BELLWETHER_ENTITIES', 'BELLWETHER_ENTITY_MODEL']);
  });

  it('names a bad mode, an empty model path and a bad maxPerItem by their paths', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig({ scoring: { entities: { mode: 'sometimes', model: '', maxPerItem: 0 } } });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/scoring\.entities\.mode: .*off.*multi.*always/);
    expect(problems.join('\n')).toMatch(/scoring\.entities\.model/);
    expect(problems.join('\n')).toMatch(/scoring\.entities\.maxPerItem/);
  });

  it('refuses an unknown key in the section (a typo must not silently leave the default)', () => {
    expect(() => parseConfig({ scoring: { entities: { maxPerItems: 4 } } })).toThrow(
      /scoring\.entities.*maxPerItems/,
    );
  });
});
