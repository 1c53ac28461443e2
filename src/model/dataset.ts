/** Reads labelled text (CSV `text,label` or SEntFiN-style JSONL) and carves a stratified, seeded validation split. */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DecodeError, UsageError } from '../core/errors.ts';
import { seededRandom } from '../core/random.ts';
import { LABELS, type Label } from './architecture.ts';

export interface Example {
  text: string;
  label: Label;
  /** Which file it came from, for the model card's split table. */
  source: string;
  /** Label inferred (entity majority), not given: such rows only ever train, never validate. */
  derived?: boolean;
}

export interface LabelOptions {
  /** Accept bearish/bullish (and numeric twitter codes 0=bearish, 1=bullish, 2=neutral). Off by default. */
  synonyms?: boolean;
  /** For JSONL whose headline label is null: use the entities' majority label when it is strict. */
  entityMajority?: boolean;
}

const SYNONYMS: Record<string, Label> = {
  bearish: 'negative',
  bullish: 'positive',
  '0': 'negative',
  '1': 'positive',
  '2': 'neutral',
};

export function parseLabel(raw: string, options: LabelOptions = {}): Label | undefined {
  const value = raw.trim().toLowerCase();
  if ((LABELS as readonly string[]).includes(value)) return value as Label;
  if (options.synonyms) return SYNONYMS[value];
  return undefined;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(content: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i];
    if (quoted) {
      if (ch === '"') {
        if (content[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && content[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || (r[0] ?? '') !== '');
}

function strictMajority(entities: Record<string, unknown>): Label | undefined {
  const counts = new Map<Label, number>();
  for (const value of Object.values(entities)) {
    const label = typeof value === 'string' ? parseLabel(value) : undefined;
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const top = sorted[0];
  if (!top) return undefined;
  const runnerUp = sorted[1];
  return runnerUp && runnerUp[1] === top[1] ? undefined : top[0];
}

export async function readExamples(file: string, options: LabelOptions = {}): Promise<Example[]> {
  const content = await readFile(file, 'utf8');
  const source = path.basename(path.dirname(file)) || path.basename(file);
  const out: Example[] = [];
  if (file.endsWith('.jsonl') || file.endsWith('.ndjson')) {
    content.split('\n').forEach((line, n) => {
      if (line.trim() === '') return;
      let obj: { text?: unknown; label?: unknown; entities?: unknown };
      try {
        obj = JSON.parse(line) as typeof obj;
      } catch (error) {
        throw new DecodeError(`${file}:${n + 1}: not JSON`, { cause: error });
      }
      if (typeof obj.text !== 'string') return;
      const label = typeof obj.label === 'string' ? parseLabel(obj.label, options) : undefined;
      if (label) {
        out.push({ text: obj.text, label, source });
        return;
      }
      if (
        obj.label === null &&
        options.entityMajority &&
        obj.entities &&
        typeof obj.entities === 'object'
      ) {
        const majority = strictMajority(obj.entities as Record<string, unknown>);
        if (majority) out.push({ text: obj.text, label: majority, source, derived: true });
      }
    });
    return out;
  }
  const rows = parseCsv(content);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const textCol = header.indexOf('text');
  const labelCol = header.indexOf('label');
  if (textCol < 0 || labelCol < 0)
    throw new UsageError(`${file}: CSV needs a header with text,label`);
  let unknown = 0;
  for (const row of rows.slice(1)) {
    const label = parseLabel(row[labelCol] ?? '', options);
    if (!label) {
      unknown++;
      continue;
    }
    out.push({ text: row[textCol] ?? '', label, source });
  }
  if (unknown > 0 && out.length === 0) {
    throw new UsageError(
      `${file}: no recognised labels (negative|neutral|positive); pass --label-synonyms for bearish/bullish or 0/1/2`,
    );
  }
  return out;
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** Per source × label stratum, the first `fraction` (after a seeded shuffle) goes to validation. */
export function stratifiedSplit(
  examples: readonly Example[],
  fraction: number,
  seed: number,
): { train: Example[]; validation: Example[] } {
  const strata = new Map<string, Example[]>();
  const derived = examples.filter((e) => e.derived);
  for (const e of examples) {
    if (e.derived) continue;
    const key = `${e.source}\u0000${e.label}`;
    const list = strata.get(key) ?? [];
    list.push(e);
    strata.set(key, list);
  }
  const random = seededRandom(seed);
  const train: Example[] = [];
  const validation: Example[] = [];
  for (const key of [...strata.keys()].sort()) {
    const list = shuffleInPlace([...(strata.get(key) ?? [])], random);
    const k = Math.round(list.length * fraction);
    validation.push(...list.slice(0, k));
    train.push(...list.slice(k));
  }
  // Derived rows join training after the split, so the validation split is the same with or without them.
  train.push(...derived);
  return { train: shuffleInPlace(train, random), validation };
}
