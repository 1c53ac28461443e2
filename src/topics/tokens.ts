/** The one scanner every text goes through: words, cashtags and exchange-qualified tickers with their offsets. */

export const TOKEN_WORD = 0;
export const TOKEN_CASHTAG = 1;
export const TOKEN_EXCHANGE = 2;

/**
 * One alternation, tried left to right at each position: `(NYSE: F)` first (it contains a word),
 * then `$TSLA` / `$BRK.B`, then a word whose inner `.&'’-` keep `AT&T`, `BRK.B`, `Coca-Cola` whole.
 */
const SCANNER =
  /\b(?:NYSE|NASDAQ|Nasdaq)(?:\s+American)?\s*:\s*([A-Z]{1,5}(?:[.-][A-Z]{1,2})?)(?![A-Za-z0-9])|\$([A-Za-z]{1,5}(?:[.-][A-Za-z]{1,2})?)(?![A-Za-z0-9])|([\p{L}\p{N}]+(?:[.&'’-][\p{L}\p{N}]+)*)/gu;

/**
 * A wire service's slug glued to the headline by a hyphen (`UPDATE 1-Tesla recalls…`, `RPT-Ford…`,
 * `EXCLUSIVE-Nvidia…`): words in capitals, maybe a number, a hyphen, then a capitalised word. Left alone,
 * the scanner's inner-hyphen rule would read `1-Tesla` as one word and the company would go unseen.
 * `BRK-B` (a capital alone after the hyphen) and `Coca-Cola` (not capitals) do not match.
 */
const WIRE_SLUG = /^\s*[A-Z]{2,}(?:\s+[A-Z]{2,})*(?:\s+\d{1,3})?-(?=\p{Lu}\p{Ll}|\d+\p{Lu})/u;

/** Tokens of one text, as parallel arrays reused between calls so scanning allocates little. */
export class TokenBuffer {
  kind: number[] = [];
  /** Surface form (ticker symbol for cashtags and exchange tickers). */
  raw: string[] = [];
  /** Lower-cased word with a trailing possessive removed; the ticker upper-cased for the others. */
  norm: string[] = [];
  offset: number[] = [];
  /** Where the token ends (exclusive): after the symbol for exchange tickers, so `(NYSE: F)` ends at `F`. */
  end: number[] = [];
  length = 0;

  scan(input: string): this {
    this.length = 0;
    // The slug's hyphen becomes a space: the same length, so every offset still points into `input`.
    const slug = WIRE_SLUG.exec(input);
    const text =
      slug === null
        ? input
        : `${input.slice(0, slug[0].length - 1)} ${input.slice(slug[0].length)}`;
    SCANNER.lastIndex = 0;
    for (let m = SCANNER.exec(text); m !== null; m = SCANNER.exec(text)) {
      const i = this.length++;
      this.offset[i] = m.index;
      this.end[i] = m.index + m[0].length;
      const exchange = m[1];
      const cashtag = m[2];
      if (exchange !== undefined) {
        this.kind[i] = TOKEN_EXCHANGE;
        this.raw[i] = exchange;
        this.norm[i] = exchange.replace('-', '.');
      } else if (cashtag !== undefined) {
        this.kind[i] = TOKEN_CASHTAG;
        this.raw[i] = cashtag;
        this.norm[i] = cashtag.toUpperCase().replace('-', '.');
      } else {
        const word = m[3] ?? '';
        this.kind[i] = TOKEN_WORD;
        this.raw[i] = word;
        this.norm[i] = normalizeWord(word);
      }
    }
    return this;
  }
}

/** `Apple’s` and `apple's` both become `apple`, so names match in the possessive. */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase();
  if (lower.endsWith("'s") || lower.endsWith('’s')) return lower.slice(0, -2);
  return lower;
}

/** Words of a watchlist phrase, normalized the way text is. */
export function phraseWords(phrase: string): string[] {
  const buffer = new TokenBuffer().scan(phrase);
  return buffer.norm.slice(0, buffer.length);
}

/** A word written entirely in lower case (`apple`, `target`) is a common noun, not a name. */
export function isLowerCaseWord(word: string): boolean {
  return word.toLowerCase() === word && word.toUpperCase() !== word;
}

/**
 * Headlines set in capitals turn every word into a would-be ticker (`STOCKS HIT NEW LOW`), so bare
 * tickers are not trusted in a text whose letters are nearly all upper case.
 */
export function isShouting(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < text.length && i < 400; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
  }
  return upper >= 12 && upper > 4 * lower;
}

/** Short words that Title Case styles leave in lower case. */
const TITLE_CASE_LOWER = new Set(['with', 'from', 'into', 'over', 'than', 'that', 'upon', 'onto']);

/**
 * Title Case (`Target Shares Slump After Weak Forecast`): no longer word after the first is in lower
 * case, so a capital says nothing about whether a word is a name. Sentence case always has some
 * (`Oakridge Capital Markets upgrades Intel`).
 */
export function isTitleCase(tokens: TokenBuffer): boolean {
  let capitalized = 0;
  for (let i = 1; i < tokens.length; i++) {
    if (tokens.kind[i] !== TOKEN_WORD) continue;
    const raw = tokens.raw[i] ?? '';
    if (raw.length < 4) continue;
    const first = raw.charCodeAt(0);
    if (first >= 97 && first <= 122) {
      if (!TITLE_CASE_LOWER.has(raw)) return false;
    } else if (first >= 65 && first <= 90) {
      capitalized++;
    }
  }
  return capitalized >= 3;
}
