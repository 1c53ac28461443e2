/**
 * Where a title names each watchlist company: what entity scoring marks. A name, alias, legal name,
 * cashtag, exchange ticker or bare ticker names the company. A product keyword does not: "iPhone sales
 * slump" is about the product, and the sentiment toward the maker is the headline's own, not something
 * to read in the light of a span; counting products would also turn a one-company headline naming its
 * product into a "multi-company" one and spend an entity pass on it.
 */
import type { EntitySpan } from '../core/entity-scorer.ts';
import { BY_PRODUCT, type NamedBy, type ScanVisitor } from './scan.ts';
import { TOKEN_CASHTAG, TOKEN_EXCHANGE, type TokenBuffer } from './tokens.ts';
import type { WatchlistCompany } from './watchlist.ts';

export interface CompanyMention {
  /** The company's name (its `company` topic key). */
  company: string;
  ticker: string;
  /** Every span of the title naming it, in order (UTF-16 offsets, end exclusive). */
  spans: EntitySpan[];
}

const POSSESSIVE = /['’]s$/i;

/** Collects the spans of one scan, by company in order of first mention. */
export class MentionVisitor implements ScanVisitor {
  private readonly byCompany = new Map<number, EntitySpan[]>();

  constructor(
    private readonly companies: readonly WatchlistCompany[],
    private readonly tokens: TokenBuffer,
  ) {}

  reset(): void {
    this.byCompany.clear();
  }

  company(index: number, by: NamedBy, first: number, last: number): void {
    if (by === BY_PRODUCT) return;
    const spans = this.byCompany.get(index);
    const span = this.spanOf(first, last);
    if (spans) spans.push(span);
    else this.byCompany.set(index, [span]);
  }

  keyword(): void {}

  result(): CompanyMention[] {
    const out: CompanyMention[] = [];
    for (const [index, spans] of this.byCompany) {
      const company = this.companies[index];
      if (company) out.push({ company: company.name, ticker: company.ticker, spans });
    }
    return out;
  }

  /** The text of tokens `first`..`last`: a cashtag with its `$`, an exchange ticker without the exchange, no possessive. */
  private spanOf(first: number, last: number): EntitySpan {
    const { tokens } = this;
    const end = tokens.end[last] ?? 0;
    const raw = tokens.raw[last] ?? '';
    if (tokens.kind[first] === TOKEN_EXCHANGE) return { start: end - raw.length, end };
    const start = tokens.offset[first] ?? 0;
    if (tokens.kind[last] !== TOKEN_CASHTAG && POSSESSIVE.test(raw)) return { start, end: end - 2 };
    return { start, end };
  }
}
