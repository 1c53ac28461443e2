/** Topic extraction: one scan per text over precompiled tables, yielding ticker, company, sector, source and keyword mentions. */
import type { TopicKind, TopicMention } from '../core/news.ts';
import { type CompiledTopics, compileTopics, type TrieNode } from './compile.ts';
import {
  isLowerCaseWord,
  isShouting,
  isTitleCase,
  TOKEN_CASHTAG,
  TOKEN_EXCHANGE,
  TOKEN_WORD,
  TokenBuffer,
} from './tokens.ts';
import type { Watchlist } from './watchlist.ts';

export interface TopicMatcherOptions {
  watchlist: Watchlist;
  /** Keyword topics: whole words, case-insensitive; a trailing `*` matches any ending (`recall*`). */
  keywords?: readonly string[];
}

export interface MatchableItem {
  title: string;
  summary?: string | undefined;
  source: string;
}

export interface TopicMatcher {
  match(item: MatchableItem): TopicMention[];
}

/** A title mention outranks a summary one; within a text, earlier outranks later (down to half). */
const TITLE_WEIGHT = 1;
const SUMMARY_WEIGHT = 0.6;
/** A product name implies its maker less surely than the maker's name. */
const PRODUCT_FACTOR = 0.75;
/** A sector is mentioned through its company, a little less directly. */
const SECTOR_FACTOR = 0.8;

const NO_LENGTHS: readonly number[] = [];

const KIND_ORDER: Readonly<Record<TopicKind, number>> = {
  ticker: 0,
  company: 1,
  sector: 2,
  keyword: 3,
  source: 4,
};

class Collector {
  readonly found = new Map<string, TopicMention>();

  add(kind: TopicKind, key: string, relevance: number): void {
    const id = `${kind}\u0000${key}`;
    const seen = this.found.get(id);
    if (!seen) this.found.set(id, { kind, key, relevance });
    else if ((seen.relevance ?? 0) < relevance) seen.relevance = relevance;
  }
}

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

export function createTopicMatcher(options: TopicMatcherOptions): TopicMatcher {
  const tables = compileTopics(options.watchlist, options.keywords ?? []);
  const { companies } = tables;
  const prefixLengths = [...tables.prefixes.keys()].sort((a, b) => a - b);
  // Most words start with a letter no prefix keyword starts with: skip them without slicing.
  const prefixStarts = new Set<number>();
  for (const byPrefix of tables.prefixes.values()) {
    for (const prefix of byPrefix.keys()) prefixStarts.add(prefix.charCodeAt(0));
  }
  const tokens = new TokenBuffer();

  const addCompany = (out: Collector, index: number, relevance: number): void => {
    const company = companies[index];
    if (!company) return;
    out.add('ticker', company.ticker, relevance);
    out.add('company', company.name, relevance);
    out.add('sector', company.sector, relevance * SECTOR_FACTOR);
  };

  const scanText = (out: Collector, text: string, weight: number): void => {
    if (text.length === 0) return;
    tokens.scan(text);
    const shouting = isShouting(text);
    const capsMeanNames = !shouting && !isTitleCase(tokens);
    const span = Math.max(text.length, 1);
    for (let i = 0; i < tokens.length; i++) {
      const relevance = weight * (1 - (0.5 * (tokens.offset[i] ?? 0)) / span);
      const kind = tokens.kind[i];
      const norm = tokens.norm[i] ?? '';
      if (kind === TOKEN_CASHTAG || kind === TOKEN_EXCHANGE) {
        const index = tables.symbols.get(norm);
        if (index !== undefined) addCompany(out, index, relevance);
        continue;
      }
      for (const length of prefixStarts.has(norm.charCodeAt(0)) ? prefixLengths : NO_LENGTHS) {
        if (length > norm.length) break;
        const key = tables.prefixes.get(length)?.get(norm.slice(0, length));
        if (key !== undefined) out.add('keyword', key, relevance);
      }
      const phrase = longestPhrase(tables, tokens, i);
      if (phrase) {
        // Keywords match in any case; names only when written as names (`Apple`, not `apple`).
        const nameOk = phrase.node.lowerOk === true || !isLowerCaseWord(tokens.raw[i] ?? '');
        let used = false;
        for (const hit of phrase.node.hits ?? []) {
          if (hit.type === 'keyword') out.add('keyword', hit.key, relevance);
          else if (!nameOk) continue;
          else if (hit.type === 'name') {
            if (hit.ambiguous && !capsMeanNames) continue;
            addCompany(out, hit.company, relevance);
          } else if (hit.type === 'product')
            addCompany(out, hit.company, relevance * PRODUCT_FACTOR);
          used = true;
        }
        if (used) {
          i = phrase.end;
          continue;
        }
      }
      if (!shouting) {
        const index = tables.bare.get(tokens.raw[i] ?? '');
        if (index !== undefined) addCompany(out, index, relevance);
      }
    }
  };

  return {
    match(item: MatchableItem): TopicMention[] {
      const out = new Collector();
      scanText(out, item.title, TITLE_WEIGHT);
      if (item.summary) scanText(out, item.summary, SUMMARY_WEIGHT);
      if (item.source) out.add('source', item.source, 1);
      const mentions = [...out.found.values()];
      for (const m of mentions) m.relevance = Math.round((m.relevance ?? 0) * 1000) / 1000;
      return mentions.sort(
        (a, b) =>
          (b.relevance ?? 0) - (a.relevance ?? 0) ||
          KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
    },
  };
}
