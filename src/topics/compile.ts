/** Compiles a watchlist and keyword list into lookup tables: a word trie for phrases, maps for tickers and prefixes. */

import { isLowerCaseWord, phraseWords } from './tokens.ts';
import type { Watchlist, WatchlistCompany } from './watchlist.ts';

/** What a phrase in the trie stands for. */
export type PhraseHit =
  | { type: 'name'; company: number; ambiguous: boolean }
  | { type: 'product'; company: number }
  | { type: 'exclude' }
  | { type: 'keyword'; key: string };

export interface TrieNode {
  next?: Map<string, TrieNode>;
  hits?: PhraseHit[];
  /** A name or product written in lower case (`iPhone` is not), so lower-case text may match it. */
  lowerOk?: boolean;
}

export interface CompiledTopics {
  companies: readonly WatchlistCompany[];
  root: Map<string, TrieNode>;
  /** Symbol (any share class, `.` form) → company, for cashtags and `(NYSE: F)`. */
  symbols: Map<string, number>;
  /** Exact-case surface form → company, for tickers allowed as bare words. */
  bare: Map<string, number>;
  /** Prefix keywords (`recall*`), by prefix length then prefix. */
  prefixes: Map<number, Map<string, string>>;
}

/**
 * Symbols that are ordinary words or everyday acronyms; a company with such a ticker is matched by
 * cashtag, exchange notation or name unless the watchlist sets `bareTicker: true`.
 */
const COMMON_SYMBOLS = new Set([
  'A',
  'AI',
  'ALL',
  'AN',
  'ARE',
  'AT',
  'BE',
  'BIG',
  'CAN',
  'CEO',
  'CFO',
  'COP',
  'CPI',
  'DE',
  'EPS',
  'ETF',
  'EU',
  'FDA',
  'FED',
  'FOR',
  'GDP',
  'GO',
  'HAS',
  'HD',
  'IPO',
  'IT',
  'KEY',
  'LOW',
  'MA',
  'MS',
  'NEW',
  'NOW',
  'ON',
  'ONE',
  'OR',
  'OUT',
  'PM',
  'SEC',
  'SO',
  'TV',
  'UK',
  'UP',
  'US',
  'USA',
]);

function insert(root: Map<string, TrieNode>, phrase: string, hit: PhraseHit): void {
  const words = phraseWords(phrase);
  const first = words[0];
  if (first === undefined) return;
  let node = root.get(first);
  if (!node) {
    node = {};
    root.set(first, node);
  }
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? '';
    node.next ??= new Map();
    let child = node.next.get(word);
    if (!child) {
      child = {};
      node.next.set(word, child);
    }
    node = child;
  }
  node.hits ??= [];
  // The same phrase listed twice for one company (name and alias) counts once.
  const same = node.hits.some(
    (h) => h.type === hit.type && JSON.stringify(h) === JSON.stringify(hit),
  );
  if (!same) node.hits.push(hit);
  const surface = phrase.trim().split(/\s+/)[0] ?? '';
  if (hit.type !== 'keyword' && isLowerCaseWord(surface)) node.lowerOk = true;
}

export function allowsBareTicker(company: WatchlistCompany, symbol: string): boolean {
  if (company.bareTicker !== undefined) return company.bareTicker;
  return symbol.length >= 2 && !COMMON_SYMBOLS.has(symbol);
}

export function compileTopics(watchlist: Watchlist, keywords: readonly string[]): CompiledTopics {
  const root = new Map<string, TrieNode>();
  const symbols = new Map<string, number>();
  const bare = new Map<string, number>();
  const prefixes = new Map<number, Map<string, string>>();
  watchlist.companies.forEach((company, index) => {
    for (const phrase of [company.name, company.legalName, ...company.aliases]) {
      if (!phrase) continue;
      const ambiguous = company.commonWordName && phraseWords(phrase).length === 1;
      insert(root, phrase, { type: 'name', company: index, ambiguous });
    }
    for (const product of company.keywords)
      insert(root, product, { type: 'product', company: index });
    for (const phrase of company.exclude) insert(root, phrase, { type: 'exclude' });
    for (const symbol of [company.ticker, ...company.altTickers]) {
      symbols.set(symbol, index);
      if (allowsBareTicker(company, symbol)) {
        bare.set(symbol, index);
        if (symbol.includes('.')) bare.set(symbol.replace('.', '-'), index);
      }
    }
  });
  for (const raw of keywords) {
    const keyword = raw.trim();
    if (keyword.endsWith('*')) {
      const prefix = keyword.slice(0, -1).toLowerCase();
      if (prefix.length === 0) continue;
      let byPrefix = prefixes.get(prefix.length);
      if (!byPrefix) {
        byPrefix = new Map();
        prefixes.set(prefix.length, byPrefix);
      }
      byPrefix.set(prefix, prefix);
    } else if (keyword.length > 0) {
      insert(root, keyword, { type: 'keyword', key: keyword.toLowerCase() });
    }
  }
  return { companies: watchlist.companies, root, symbols, bare, prefixes };
}
