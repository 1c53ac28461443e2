// Rules files good and broken: every problem named with its rule, field path and line:column.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { loadRules, parseRules } from './rules-file.ts';

function problemsOf(text: string, options = {}): string[] {
  try {
    parseRules(text, 'test.yaml', options);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the rules to be rejected');
}

describe('rules file', () => {
  it('accepts the default rules file with durations in milliseconds', () => {
    const file = loadRules('config/rules.yaml');
    expect(file.rules.length).toBeGreaterThanOrEqual(3);
    const spike = file.rules.find((r) => r.name === 'CompanyNegativeSpike');
    expect(spike?.detector.window).toBe(30 * 60_000);
    expect(spike?.detector.baseline).toBe(24 * 3_600_000);
    expect(spike?.for).toBe(2 * 60_000);
  });

  it('fills defaults for a minimal rule', () => {
    const file = parseRules('rules:\n  - name: A\n    detector: { type: negative-share-spike }\n');
    const rule = file.rules[0];
    expect(rule?.severity).toBe('warning');
    expect(rule?.for).toBe(0);
    expect(rule?.select.kinds).toContain('ticker');
    expect(rule?.detector.type === 'negative-share-spike' && rule.detector.z).toBe(1.96);
  });

  it('reports every problem at once, each with its rule, field path and line:column', () => {
    const text = [
      'rules:', // 1
      '  - name: Spike', // 2
      '    detector:', // 3
      '      type: negative-share-spike', // 4
      '      window: 30x', // 5
      '      minCount: 2', // 6
      '    severity: urgent', // 7
      '  - name: Spike', // 8
      '    select: { kinds: [ticker, planet] }', // 9
      '    detector: { type: wobble }', // 10
      '    for: 5', // 11
      '    labels: { topic_key: X, team: "{{topic}}" }', // 12
      '    annotations: { summary: "{{nope}} at {{share}}" }', // 13
      '    colour: red', // 14
    ].join('\n');
    const problems = problemsOf(text);
    const find = (needle: string) => problems.find((p) => p.includes(needle)) ?? '';
    expect(find('detector.window')).toMatch(
      /rules\[0\] "Spike" › detector\.window \(line 5, col 15\): invalid duration "30x"/,
    );
    expect(find('detector.minCount')).toMatch(/\(line 6, col 17\): must be at least 3/);
    expect(find('rules[0] "Spike" › severity')).toMatch(/\(line 7, col 15\)/);
    expect(find('rules[1] "Spike" › name')).toMatch(
      /\(line 8, col 11\): duplicate rule name Spike/,
    );
    expect(find('select.kinds.1')).toMatch(/\(line 9, col 31\)/);
    expect(find('rules[1] "Spike" › detector')).toMatch(/line 10/);
    expect(find('rules[1] "Spike" › for')).toMatch(/\(line 11, col 10\)/);
    expect(find('labels.topic_key')).toMatch(/set by the engine/);
    expect(find('labels.team')).toMatch(/cannot hold templates/);
    expect(find('annotations.summary')).toMatch(/unknown template value \{\{nope\}\}/);
    expect(find('unknown field')).toMatch(
      /rules\[1\] "Spike" \(line 8, col 5\): unknown field colour/,
    );
    expect(problems.length).toBeGreaterThanOrEqual(11);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('rules:\n  - name: A\n    detector: { type: x\n');
    expect(problems[0]).toMatch(/^YAML \(line \d+, col \d+\)/);
  });

  it('rejects a confirmation window not shorter than the window, and too many buckets', () => {
    const problems = problemsOf(
      [
        'rules:',
        '  - name: A',
        '    detector: { type: negative-share-spike, window: 10m, confirm: { window: 10m } }',
        '  - name: B',
        '    detector: { type: negative-zscore, window: 1m, baseline: 30d }',
      ].join('\n'),
    );
    expect(
      problems.some((p) => p.includes('detector.confirm.window') && p.includes('shorter')),
    ).toBe(true);
    expect(
      problems.some((p) => p.includes('rules[1] "B" › detector.bucket') && p.includes('at most')),
    ).toBe(true);
  });

  it('rejects sectors the watchlist does not know, when given the watchlist', () => {
    const text =
      'rules:\n  - name: A\n    select: { sectors: [Energy, Spaceflight] }\n    detector: { type: mean-score-drop }\n';
    const problems = problemsOf(text, { knownSectors: ['Energy', 'Financials'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /select\.sectors\.1 \(line 3, col \d+\): unknown sector "Spaceflight"/,
    );
  });

  it('names a missing file', () => {
    expect(() => loadRules('no/such/rules.yaml')).toThrow(/file not found/);
  });
});
