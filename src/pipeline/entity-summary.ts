/** The end-of-run line for entity scoring, shared by `bellwether run` and `bellwether backfill`. */
import type { EntityTally } from '../scoring/entity-scoring.ts';

/** Undefined when entity scoring is off, so the summaries stay as they were for runs without it. */
export function entitySummaryText(tally: EntityTally | undefined): string | undefined {
  if (tally === undefined) return undefined;
  return `entity scores: ${tally.items} items (${tally.entities} companies), ${tally.failedItems} items stored without them (entity scoring failed)`;
}
