import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadConfig, parseConfig } from './load.ts';

describe('issue 15.1 — the story stage’s config', () => {
  it('defaults to a 48 h window of a million items at threshold 0.7', () => {
    expect(loadConfig(undefined, {}).config.stories).toEqual({
      windowMs: 48 * 3_600_000,
      capacity: 1_000_000,
      threshold: 0.7,
    });
  });

  it('names a bad window, capacity or threshold by its path', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig({ stories: { windowMs: 10, capacity: 0, threshold: 1.5 } });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems.join('\n')).toMatch(/stories\.windowMs/);
    expect(problems.join('\n')).toMatch(/stories\.capacity/);
    expect(problems.join('\n')).toMatch(/stories\.threshold/);
  });
});
