/** The watchlist file (JSON or YAML): companies with their tickers, names, aliases, sector and product keywords. */
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/load.ts';
import { readConfigText } from '../config/read-text.ts';
import { ConfigError } from '../core/errors.ts';

/** Upper-case symbol with an optional share-class suffix (`BRK.B`). */
const tickerSchema = z
  .string()
  .regex(/^[A-Z]{1,5}(?:\.[A-Z]{1,2})?$/, 'expected an upper-case ticker such as AAPL or BRK.B');

const phrase = z.string().trim().min(1).max(120);

export const watchlistCompanySchema = z
  .object({
    ticker: tickerSchema,
    /** Common short name; also the `company` topic key. */
    name: phrase,
    legalName: phrase.optional(),
    aliases: z.array(phrase).default([]),
    /** Other share classes that roll up into `ticker` (GOOG → GOOGL). */
    altTickers: z.array(tickerSchema).default([]),
    exchange: z.enum(['NYSE', 'NASDAQ']).optional(),
    sector: phrase,
    /** Products and brands that imply the company, matched at lower relevance than its names. */
    keywords: z.array(phrase).default([]),
    /** Whether the ticker may match as a bare upper-case word; default: two letters or more and not a common word. */
    bareTicker: z.boolean().optional(),
    /**
     * Its one-word names are everyday words too (Target, Visa): they count only where capitals
     * carry meaning, not in Title Case or ALL-CAPS text. Longer names and cashtags always count.
     */
    commonWordName: z.boolean().default(false),
    /** Phrases that contain a name but mean another company (GE Vernova is not GE). */
    exclude: z.array(phrase).default([]),
  })
  .strict();

export const watchlistSchema = z
  .object({
    version: z.literal(1).default(1),
    companies: z.array(watchlistCompanySchema).min(1),
  })
  .strict();

export type WatchlistCompany = z.infer<typeof watchlistCompanySchema>;
export type Watchlist = z.infer<typeof watchlistSchema>;

/**
 * A symbol may belong to one company only. Checked on the raw document, beside the schema, so a
 * file with other mistakes still gets this one reported in the same message.
 */
function duplicateSymbols(raw: unknown): string[] {
  const companies = (raw as { companies?: unknown } | null)?.companies;
  if (!Array.isArray(companies)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  companies.forEach((company: unknown, index) => {
    const entry = company as { ticker?: unknown; altTickers?: unknown } | null;
    const alt = Array.isArray(entry?.altTickers) ? entry.altTickers : [];
    for (const symbol of [entry?.ticker, ...alt]) {
      if (typeof symbol !== 'string') continue;
      const first = seen.get(symbol);
      if (first === undefined) seen.set(symbol, index);
      else if (first !== index) {
        problems.push(
          `companies.${index}.ticker: ticker ${symbol} already used by companies.${first}`,
        );
      }
    }
  });
  return problems;
}

/** Validates an already-parsed document, naming every problem with its path. */
export function parseWatchlist(raw: unknown, source = 'watchlist'): Watchlist {
  const result = watchlistSchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : formatIssues(result.error.issues)),
    ...duplicateSymbols(raw),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

/** Reads a `.json`, `.yaml` or `.yml` watchlist file. */
export function loadWatchlist(path: string): Watchlist {
  const text = readConfigText(path, 'watchlist');
  const isJson = extname(path).toLowerCase() === '.json';
  let raw: unknown;
  try {
    raw = isJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [
      `not valid ${isJson ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    ]);
  }
  return parseWatchlist(raw, path);
}
