/** Where an entity is named in a headline: character spans, and the WordPiece positions they cover. */
import type { EntitySpan } from '../../core/entity-scorer.ts';

const WORD_CHAR = /[\p{L}\p{N}]/u;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && WORD_CHAR.test(c);
}

/**
 * Every case-insensitive occurrence of `name` in `text`; occurrences on word boundaries are preferred,
 * and only when there is none does a match inside a word count (SEntFiN names "bank" in "banking").
 */
export function findMentions(text: string, name: string): EntitySpan[] {
  const haystack = text.toLowerCase();
  const needle = name.toLowerCase();
  if (needle.length === 0 || haystack.length !== text.length) return [];
  const whole: EntitySpan[] = [];
  const partial: EntitySpan[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    const bounded =
      !(isWordChar(text[at - 1]) && isWordChar(text[at])) &&
      !(isWordChar(text[end - 1]) && isWordChar(text[end]));
    (bounded ? whole : partial).push({ start: at, end });
  }
  return whole.length > 0 ? whole : partial.slice(0, 1);
}

/** Content token ids of a text (no [CLS]/[SEP]), as the model's tokenizer reads it. */
export interface ContentTokenizer {
  contentLength(text: string): number;
}

/**
 * The framed positions ([CLS] is position 0) that each span covers, within `length` framed tokens: the
 * tokens of the text before the span's end, less those before its start. A span that ends inside a word
 * still covers at least its first token.
 */
export function spanPositions(
  text: string,
  spans: readonly EntitySpan[],
  tokenizer: ContentTokenizer,
  length: number,
): number[] {
  const positions = new Set<number>();
  const lastContent = length - 2;
  for (const span of spans) {
    const from = tokenizer.contentLength(text.slice(0, span.start));
    const to = Math.max(from + 1, tokenizer.contentLength(text.slice(0, span.end)));
    for (let p = from; p < Math.min(to, lastContent); p++) positions.add(p + 1);
  }
  return [...positions].sort((a, b) => a - b);
}
