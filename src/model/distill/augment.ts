/**
 * Meaning-keeping variants of training texts for the distillation transfer set: another watchlist company,
 * other numbers, clauses swapped around a comma, non-sentiment words dropped, a wire prefix. Seeded.
 */
import { seededRandom } from '../../core/random.ts';
import { polarityOf } from '../lexicon.ts';

export interface AugmentCompany {
  ticker: string;
  name: string;
}

export interface AugmentOptions {
  seed: number;
  /** Companies whose names and tickers are swapped for each other (the watchlist's). */
  companies: readonly AugmentCompany[];
}

/** Chance of each edit in one variant; a variant that none changed gets a wire prefix. */
const EDIT_CHANCE = 0.5;
/** Chance that a droppable word is dropped, when dropping applies to a variant. */
const DROP_CHANCE = 0.15;
const WIRE_PREFIXES = [
  'UPDATE 1-',
  'UPDATE 2-',
  'BRIEF-',
  'RPT-',
  'CORRECTED-',
  'EXCLUSIVE-',
  'BREAKING: ',
];
/**
 * Words that carry the sentence's direction without being lexicon cues: never dropped. ("isn't" and the
 * like hold an apostrophe, which already keeps them.)
 */
const KEEP = new Set([
  'not',
  'no',
  'never',
  'nor',
  'without',
  'cannot',
  'against',
  'up',
  'down',
  'higher',
  'lower',
  'above',
  'below',
  'more',
  'less',
  'than',
  'despite',
  'but',
  'amid',
]);

type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T | undefined {
  return items[Math.floor(random() * items.length)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiled once per company list: names (longest first, so "General Motors" wins over "General") and tickers. */
function companyMatcher(companies: readonly AugmentCompany[]): RegExp | undefined {
  if (companies.length < 2) return undefined;
  const names = [...companies.map((c) => c.name)].sort((a, b) => b.length - a.length);
  const tickers = companies.map((c) => c.ticker).filter((t) => t.length >= 2);
  return new RegExp(
    `\\$(${tickers.map(escapeRegExp).join('|')})\\b|\\b(${names.map(escapeRegExp).join('|')})\\b|\\b(${tickers.map(escapeRegExp).join('|')})\\b`,
    'g',
  );
}

/** Each mentioned company becomes another one, the same one throughout the text, in the same form. */
function swapCompanies(
  text: string,
  random: Random,
  companies: readonly AugmentCompany[],
  matcher: RegExp,
): string {
  const chosen = new Map<string, AugmentCompany>();
  const byKey = (key: string) =>
    companies.find((c) => c.ticker === key || c.name === key) ?? companies[0];
  return text.replace(matcher, (_match, cashtag?: string, name?: string, ticker?: string) => {
    const from = byKey(cashtag ?? name ?? ticker ?? '');
    if (!from) return _match;
    const to =
      chosen.get(from.ticker) ??
      pick(
        companies.filter((c) => c.ticker !== from.ticker),
        random,
      ) ??
      from;
    chosen.set(from.ticker, to);
    return cashtag ? `$${to.ticker}` : name ? to.name : to.ticker;
  });
}

const NUMBER = /(?<![\p{L}\d.,])\d+(?:\.\d+)?(?!,\d)/gu;

/** Numbers scaled by 0.5–1.5 with their decimals kept; years (1900–2099) and digits inside words stay. */
function changeNumbers(text: string, random: Random): string {
  return text.replace(NUMBER, (n) => {
    const decimals = n.split('.')[1]?.length ?? 0;
    const value = Number(n);
    if (decimals === 0 && n.length === 4 && value >= 1900 && value < 2100) return n;
    const scaled = value * (0.5 + random());
    const out = decimals > 0 ? scaled.toFixed(decimals) : String(Math.max(1, Math.round(scaled)));
    return out === n
      ? decimals > 0
        ? (value + 10 ** -decimals).toFixed(decimals)
        : String(value + 1)
      : out;
  });
}

/** "A, B" → "B, A" when the text is exactly two clauses of two words or more. */
function swapClauses(text: string): string {
  const parts = text.split(', ');
  if (parts.length !== 2) return text;
  const [a = '', b = ''] = parts;
  if (a.trim().split(/\s+/).length < 2 || b.trim().split(/\s+/).length < 2) return text;
  const head = b.replace(/[.!]$/, '');
  return `${head.charAt(0).toUpperCase()}${head.slice(1)}, ${a}`;
}

/** Lower-case plain words only: capitalised ones are mostly names, and punctuation marks a clause edge. */
function droppable(word: string): boolean {
  return /^\p{Ll}+$/u.test(word) && !KEEP.has(word) && polarityOf(word) === 0;
}

/** Plain words that are not sentiment cues, negators or comparisons, each dropped by chance; three words stay at least. */
function dropWords(text: string, random: Random): string {
  const words = text.split(' ');
  if (words.length <= 3) return text;
  let budget = Math.min(words.length - 3, Math.floor(words.length / 3));
  const kept = words.filter((w) => {
    if (budget <= 0 || !droppable(w) || random() >= DROP_CHANCE) return true;
    budget--;
    return false;
  });
  return kept.join(' ');
}

/** One variant of `text`: each edit by chance, a wire prefix when none changed it, so a variant never equals its text. */
export function augmentText(
  text: string,
  random: Random,
  companies: readonly AugmentCompany[],
  matcher = companyMatcher(companies),
): string {
  let out = text;
  if (matcher && random() < EDIT_CHANCE) out = swapCompanies(out, random, companies, matcher);
  if (random() < EDIT_CHANCE) out = changeNumbers(out, random);
  if (random() < EDIT_CHANCE) out = swapClauses(out);
  if (random() < EDIT_CHANCE) out = dropWords(out, random);
  if (out === text || random() < EDIT_CHANCE / 2)
    out = `${pick(WIRE_PREFIXES, random) ?? ''}${out}`;
  return out;
}

/** Draws of a variant per slot before a repeat is accepted. */
const MAX_REDRAWS = 5;

/** `n` variants of every text, text by text (t0's n, then t1's…), mostly distinct; the same seed and texts give the same list. */
export function augmentTexts(
  texts: readonly string[],
  n: number,
  options: AugmentOptions,
): string[] {
  const random = seededRandom(options.seed);
  const matcher = companyMatcher(options.companies);
  const out: string[] = [];
  for (const text of texts) {
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      // A few redraws keep repeats rare: a repeated variant costs a teacher pass and teaches nothing new.
      let variant = augmentText(text, random, options.companies, matcher);
      for (let retry = 0; retry < MAX_REDRAWS && seen.has(variant); retry++) {
        variant = augmentText(text, random, options.companies, matcher);
      }
      seen.add(variant);
      out.push(variant);
    }
  }
  return out;
}
