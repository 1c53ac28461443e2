// Issue 15 item 5: `bellwether run --until-drained` says how many items got entity scores and how many were
// stored without them because entity scoring failed; a run with entity scoring off prints no such line.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../pipeline/pipeline.ts';
import { summaryLines } from './run.ts';

const base: RunSummary = {
  ingested: 40,
  scored: 40,
  stored: 40,
  inserted: 40,
  duplicates: 0,
  dlq: 0,
  alertsFired: 0,
  alerts: [],
  modelVersion: 'sentiment-1',
  backend: 'wasm',
  elapsedMs: 1_500,
};

describe('issue 15 item 5 — run summary counts entity scoring', () => {
  it('prints the items with entity scores and the items whose entity scoring failed', () => {
    const lines = summaryLines({ ...base, entities: { items: 12, entities: 27, failedItems: 3 } });
    expect(lines).toContain(
      'entity scores: 12 items (27 companies), 3 items stored without them (entity scoring failed)',
    );
  });

  it('prints no entity line when entity scoring is off', () => {
    const lines = summaryLines(base);
    expect(lines.some((line) => line.includes('entity'))).toBe(false);
    expect(lines[0]).toBe('ingested 40, scored 40, stored 40 (40 new, 0 already stored), DLQ 0');
  });
});
