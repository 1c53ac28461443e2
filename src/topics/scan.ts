/**
 * The one scan of a text over the compiled tables. It decides what each token names (a company by name,
 * product, cashtag or ticker; a keyword) and tells a visitor, so topic matching and entity mention finding
 * make the same decisions from the same pass.
 */
import type { CompiledTopics, TrieNode } from './compile.ts';
import {
  isLowerCaseWord,
  isShouting,
  isTitleCase,
  TOKEN_CASHTAG,
  TOKEN_EXCHANGE,
  TOKEN_WORD,
  TokenBuffer,
} from './tokens.ts';

/** How a company was named; a product implies its maker rather than naming it. */
export const BY_NAME = 0;
export const BY_SYMBOL = 1;
export const BY_PRODUCT = 2;
export type NamedBy = typeof BY_NAME | typeof BY_SYMBOL | typeof BY_PRODUCT;

export interface ScanVisitor {
  /**
   * Company `index` named by tokens `first`..`last` of the scan's buffer; `nearness` is 1 at the start of
   * the text and falls to 0.5 at its end (earlier mentions matter more).
   */
  company(index: number, by: NamedBy, first: number, last: number, nearness: number): void;
  keyword(key: string, nearness: number): void;
}

export interface Scanner {
  /** The tokens of the text last scanned (offsets for spans); reused by the next scan. */
  readonly tokens: TokenBuffer;
  scan(text: string, visitor: ScanVisitor): void;
}

const NO_LENGTHS: readonly number[] = [];

function longestPhrase(tables: CompiledTopics, tokens: TokenBuffer, start: number) {
  let node: TrieNode | undefined = tables.root.get(tokens.norm[start] ?? '');
  let best: TrieNode | undefined;
  let bestEnd = start;
  for (let j = start; node !== undefined; ) {
    if (node.hits) {
      best = node;
      bestEnd = j;
    }
    j++;
    if (j >= tokens.length || tokens.kind[j] !== TOKEN_WORD) break;
    node = node.next?.get(tokens.norm[j] ?? '');
  }
  return best ? { node: best, end: bestEnd } : undefined;
}

export function createScanner(tables: CompiledTopics): Scanner {
  const prefixLengths = [...tables.prefixes.keys()].sort((a, b) => a - b);
  // Most words start with a letter no prefix keyword starts with: skip them without slicing.
  const prefixStarts = new Set<number>();
  for (const byPrefix of tables.prefixes.values()) {
    for (const prefix of byPrefix.keys()) prefixStarts.add(prefix.charCodeAt(0));
  }
  const tokens = new TokenBuffer();

  const scan = (text: string, visitor: ScanVisitor): void => {
    if (text.length === 0) return;
    tokens.scan(text);
    const shouting = isShouting(text);
    const capsMeanNames = !shouting && !isTitleCase(tokens);
    const span = Math.max(text.length, 1);
    for (let i = 0; i < tokens.length; i++) {
      const nearness = 1 - (0.5 * (tokens.offset[i] ?? 0)) / span;
      const kind = tokens.kind[i];
      const norm = tokens.norm[i] ?? '';
      if (kind === TOKEN_CASHTAG || kind === TOKEN_EXCHANGE) {
        const index = tables.symbols.get(norm);
        if (index !== undefined) visitor.company(index, BY_SYMBOL, i, i, nearness);
        continue;
      }
      for (const length of prefixStarts.has(norm.charCodeAt(0)) ? prefixLengths : NO_LENGTHS) {
        if (length > norm.length) break;
        const key = tables.prefixes.get(length)?.get(norm.slice(0, length));
        if (key !== undefined) visitor.keyword(key, nearness);
      }
      const phrase = longestPhrase(tables, tokens, i);
      if (phrase) {
        // Keywords match in any case; names only when written as names (`Apple`, not `apple`).
        const nameOk = phrase.node.lowerOk === true || !isLowerCaseWord(tokens.raw[i] ?? '');
        let used = false;
        for (const hit of phrase.node.hits ?? []) {
          if (hit.type === 'keyword') visitor.keyword(hit.key, nearness);
          else if (!nameOk) continue;
          else if (hit.type === 'name') {
            if (hit.ambiguous && !capsMeanNames) continue;
            visitor.company(hit.company, BY_NAME, i, phrase.end, nearness);
          } else if (hit.type === 'product')
            visitor.company(hit.company, BY_PRODUCT, i, phrase.end, nearness);
          used = true;
        }
        if (used) {
          i = phrase.end;
          continue;
        }
      }
      if (!shouting) {
        const index = tables.bare.get(tokens.raw[i] ?? '');
        if (index !== undefined) visitor.company(index, BY_SYMBOL, i, i, nearness);
      }
    }
  };
  return { tokens, scan };
}
