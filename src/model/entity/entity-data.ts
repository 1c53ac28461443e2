/**
 * Entity-labelled headlines (SEntFiN-style JSONL: `{"text", "entities": {"name": "label"}}`) and their split.
 * The split is by headline, never by entity row: every entity of a headline sits on one side. A headline the
 * encoder model validated on stays in validation; a headline it trained on stays in training; headlines it
 * never saw (those without a headline label) are split afresh with the same seed and fraction.
 */
import { readFile } from 'node:fs/promises';
import { DecodeError, UsageError } from '../../core/errors.ts';
import { seededRandom } from '../../core/random.ts';
import type { Label } from '../architecture.ts';
import { parseLabel, shuffleInPlace } from '../dataset.ts';

export interface EntityLabel {
  name: string;
  label: Label;
}

export interface EntityHeadline {
  text: string;
  entities: EntityLabel[];
}

/** Reads every line with a text and at least one labelled entity; a line that is not JSON is an error naming it. */
export async function readEntityHeadlines(file: string): Promise<EntityHeadline[]> {
  const content = await readFile(file, 'utf8');
  const out: EntityHeadline[] = [];
  let unlabelled = 0;
  content.split('\n').forEach((line, n) => {
    if (line.trim() === '') return;
    let obj: { text?: unknown; entities?: unknown };
    try {
      obj = JSON.parse(line) as typeof obj;
    } catch (error) {
      throw new DecodeError(`${file}:${n + 1}: not JSON`, { cause: error });
    }
    if (typeof obj.text !== 'string' || !obj.entities || typeof obj.entities !== 'object') {
      unlabelled++;
      return;
    }
    const entities: EntityLabel[] = [];
    for (const [name, raw] of Object.entries(obj.entities as Record<string, unknown>)) {
      const label = typeof raw === 'string' ? parseLabel(raw) : undefined;
      if (label && name.trim() !== '') entities.push({ name, label });
    }
    if (entities.length > 0) out.push({ text: obj.text, entities });
    else unlabelled++;
  });
  if (out.length === 0) {
    throw new UsageError(
      `${file}: no entity-labelled lines (expected {"text": …, "entities": {"name": "negative|neutral|positive"}}; ${unlabelled} lines had none)`,
    );
  }
  return out;
}

/** Whether the headline's entities carry more than one label: where a headline-level score must be wrong. */
export function entitiesDisagree(headline: EntityHeadline): boolean {
  return new Set(headline.entities.map((e) => e.label)).size > 1;
}

export interface EntitySplitInput {
  headlines: readonly EntityHeadline[];
  /** Texts the encoder model validated on, and texts it trained on. */
  encoderValidation: ReadonlySet<string>;
  encoderTraining: ReadonlySet<string>;
  fraction: number;
  seed: number;
}

export function splitEntityHeadlines(input: EntitySplitInput): {
  train: EntityHeadline[];
  validation: EntityHeadline[];
} {
  const train: EntityHeadline[] = [];
  const validation: EntityHeadline[] = [];
  const unseen = new Map<string, EntityHeadline[]>();
  for (const h of input.headlines) {
    if (input.encoderValidation.has(h.text)) validation.push(h);
    else if (input.encoderTraining.has(h.text)) train.push(h);
    else unseen.set(h.text, [...(unseen.get(h.text) ?? []), h]);
  }
  // By distinct text, so a headline repeated in the file cannot land on both sides.
  const texts = shuffleInPlace([...unseen.keys()].sort(), seededRandom(input.seed));
  const k = Math.round(texts.length * input.fraction);
  texts.forEach((text, i) => {
    (i < k ? validation : train).push(...(unseen.get(text) ?? []));
  });
  return { train, validation };
}
