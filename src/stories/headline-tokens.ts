/** Turns a headline into the set of content-word hashes that story detection compares: what syndication edits leave alone. */
import { keyHash } from '../bus/memory/partitioner.ts';
import { TOKEN_WORD, TokenBuffer } from '../topics/tokens.ts';

/** Headlines rarely hold more content words than this; a longer one keeps its first ones (the lead clause). */
export const MAX_TOKENS = 16;

/**
 * Words that say nothing about which story it is: function words, and the labels wires and aggregators add
 * ("UPDATE 2-", "BREAKING:", "(Reuters)"), so a copy with a wire prefix or suffix keeps the same set.
 */
const IGNORED = new Set(
  (
    'a an the and or but of to in on at by for from with as is are was were be been it its this that these those ' +
    'after before over into amid than says said say new update breaking exclusive refile corrected urgent flash ' +
    'wrapup reuters bloomberg ap afp dow jones marketwatch wire newswire yahoo finance cnbc'
  ).split(' '),
);

/** Leading wire labels in capitals ("UPDATE 2-", "BREAKING: ", "EXCLUSIVE-"), which may glue onto the first word. */
const WIRE_PREFIX = /^(?:[A-Z]{2,}(?:\s+\d+)?\s*[-:–—]\s*)+/u;
/** A trailing " - Site Name" or " | Site Name" of up to three capitalised words: an aggregator's signature. */
const SITE_SUFFIX = /\s+[-|–—]\s+(?:[A-Z][\w.&']*\s*){1,3}$/u;
/** A headline cut short ends in an ellipsis, and its last word may be cut too. */
const TRUNCATED = /(?:…|\.\.\.)\s*$/u;

/** Plurals and third-person verbs ("plunges", "shares") match their stems: desks edit between them. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * Fills `out` with the headline's distinct content-word hashes, sorted ascending, and returns how many.
 * Tickers and numbers are left out: copies add a ticker and update a figure without becoming another story.
 */
export class HeadlineTokens {
  private readonly scanner = new TokenBuffer();
  /** Whether the last headline read was cut short: its words are a prefix of the story's. */
  truncated = false;

  read(title: string, out: Uint32Array): number {
    const text = title.replace(WIRE_PREFIX, '').replace(SITE_SUFFIX, '');
    const truncated = TRUNCATED.test(text);
    this.truncated = truncated;
    const tokens = this.scanner.scan(text);
    const last = truncated ? tokens.length - 1 : tokens.length;
    let count = 0;
    for (let i = 0; i < last && count < MAX_TOKENS; i++) {
      if (tokens.kind[i] !== TOKEN_WORD) continue;
      const word = tokens.norm[i] ?? '';
      const first = word.charCodeAt(0);
      if (first >= 48 && first <= 57) continue;
      if (IGNORED.has(word)) continue;
      const hash = keyHash(stem(word));
      let seen = false;
      for (let j = 0; j < count; j++) if (out[j] === hash) seen = true;
      if (!seen) out[count++] = hash;
    }
    out.subarray(0, count).sort();
    return count;
  }
}
