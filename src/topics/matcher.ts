/** Topic extraction: one scan per text over precompiled tables, yielding ticker, company, sector, source and keyword mentions. */
import type { TopicKind, TopicMention } from '../core/news.ts';
import { type CompanyMention, MentionVisitor } from './company-mentions.ts';
import { type CompiledTopics, compileTopics } from './compile.ts';
import { BY_PRODUCT, createScanner, type NamedBy, type ScanVisitor } from './scan.ts';
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
  /** The watchlist companies a title names, in order of first mention, with every span naming each. */
  companyMentions(title: string): CompanyMention[];
}

/** A title mention outranks a summary one; within a text, earlier outranks later (down to half). */
const TITLE_WEIGHT = 1;
const SUMMARY_WEIGHT = 0.6;
/** A product name implies its maker less surely than the maker's name. */
const PRODUCT_FACTOR = 0.75;
/** A sector is mentioned through its company, a little less directly. */
const SECTOR_FACTOR = 0.8;

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

/** Turns the scan's reports into topic mentions, weighted by where in which text they stand. */
class TopicVisitor implements ScanVisitor {
  out = new Collector();
  weight = TITLE_WEIGHT;

  constructor(private readonly tables: CompiledTopics) {}

  company(index: number, by: NamedBy, _first: number, _last: number, nearness: number): void {
    const company = this.tables.companies[index];
    if (!company) return;
    const direct = this.weight * nearness;
    const relevance = by === BY_PRODUCT ? direct * PRODUCT_FACTOR : direct;
    this.out.add('ticker', company.ticker, relevance);
    this.out.add('company', company.name, relevance);
    this.out.add('sector', company.sector, relevance * SECTOR_FACTOR);
  }

  keyword(key: string, nearness: number): void {
    this.out.add('keyword', key, this.weight * nearness);
  }
}

export function createTopicMatcher(options: TopicMatcherOptions): TopicMatcher {
  const tables = compileTopics(options.watchlist, options.keywords ?? []);
  const scanner = createScanner(tables);
  const topics = new TopicVisitor(tables);
  const mentions = new MentionVisitor(tables.companies, scanner.tokens);

  return {
    match(item: MatchableItem): TopicMention[] {
      const out = new Collector();
      topics.out = out;
      topics.weight = TITLE_WEIGHT;
      scanner.scan(item.title, topics);
      if (item.summary) {
        topics.weight = SUMMARY_WEIGHT;
        scanner.scan(item.summary, topics);
      }
      if (item.source) out.add('source', item.source, 1);
      const found = [...out.found.values()];
      for (const m of found) m.relevance = Math.round((m.relevance ?? 0) * 1000) / 1000;
      return found.sort(
        (a, b) =>
          (b.relevance ?? 0) - (a.relevance ?? 0) ||
          KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
    },

    companyMentions(title: string): CompanyMention[] {
      mentions.reset();
      scanner.scan(title, mentions);
      return mentions.result();
    },
  };
}
