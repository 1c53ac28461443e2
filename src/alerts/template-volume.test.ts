import { describe, expect, it } from 'vitest';
import { runDetector } from './detectors/index.ts';
import { parseRules } from './rules-file.ts';
import { renderTemplate, type TemplateContext } from './template.ts';

const context = (values: TemplateContext['values']): TemplateContext => ({
  rule: 'r',
  severity: 'warning',
  topic: 'TSLA',
  kind: 'ticker',
  window: '30m',
  baseline: '24h',
  value: 0,
  values,
  headlines: [],
});

describe('issue 15.2 — rules count items or stories; templates show both', () => {
  it('{{volume}} reads "3 stories (17 items)", and just the items where stories are unknown', () => {
    expect(renderTemplate('{{volume}}', context({ items: 17, stories: 3 }))).toBe(
      '3 stories (17 items)',
    );
    expect(renderTemplate('{{volume}}', context({ items: 1, stories: 1 }))).toBe(
      '1 story (1 item)',
    );
    expect(renderTemplate('{{volume}}', context({ items: 17 }))).toBe('17 items');
  });

  it('spike detectors count stories by default, items when the rule says so', () => {
    const [rule] = parseRules(`
rules:
  - name: S
    select: { kinds: [ticker] }
    detector: { type: negative-share-spike, minCount: 5, margin: 0.2 }
`).rules;
    if (!rule) throw new Error('one rule');
    expect(rule.detector).toMatchObject({ count: 'stories' });
    const copies = {
      count: 10,
      negatives: 10,
      positives: 0,
      scoreSum: -8,
      stories: 1,
      negativeStories: 1,
    };
    const calm = {
      count: 48,
      negatives: 8,
      positives: 4,
      scoreSum: -2,
      stories: 48,
      negativeStories: 8,
    };
    const input = { current: copies, baseline: calm };
    expect(runDetector(rule.detector, input)).toMatchObject({
      active: false,
      values: { count: 1, items: 10, stories: 1 },
    });
    const byItems = { ...rule.detector, count: 'items' as const };
    expect(runDetector(byItems, input)).toMatchObject({
      active: true,
      values: { count: 10, items: 10, stories: 1 },
    });
  });
});
