/**
 * Fragment variants for the distillation transfer set: a run of a training text's words, or the front of one
 * text joined to the back of another. The teacher reads every fragment afresh, so the student learns which
 * words carry the teacher's reading and what the teacher makes of text that holds little sentiment at all:
 * a student that has only seen whole labelled headlines reads unfamiliar text by whatever one cue it
 * recognises, where the teacher falls back on neutral.
 */
import { seededRandom } from '../../core/random.ts';

/** Texts of fewer words give no fragment that is not nearly the whole text. */
const MIN_WORDS = 4;
/** A fragment keeps between these shares of its text's words. */
const MIN_SHARE = 0.3;
const MAX_SHARE = 0.7;
/** Chance that a fragment is a join of two texts rather than a run of one. */
const JOIN_CHANCE = 0.5;
/** Draws per slot before giving up on a fragment that differs from the text's others. */
const MAX_DRAWS = 5;

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** A whole number in [lo, hi]. */
function between(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** How many of `n` words a fragment keeps: at least 2, at most n − 1. */
function keptCount(random: () => number, n: number): number {
  const lo = Math.max(2, Math.round(n * MIN_SHARE));
  const hi = Math.min(n - 1, Math.max(lo, Math.round(n * MAX_SHARE)));
  return between(random, lo, hi);
}

/** One contiguous run of `tokens`' words. */
export function wordRun(tokens: readonly string[], random: () => number): string {
  const keep = keptCount(random, tokens.length);
  const start = between(random, 0, tokens.length - keep);
  return tokens.slice(start, start + keep).join(' ');
}

/** The front of `first` followed by the back of `second`, each cut at a word boundary. */
export function joinedHalves(
  first: readonly string[],
  second: readonly string[],
  random: () => number,
): string {
  const front = between(random, 1, first.length - 1);
  const back = between(random, 1, second.length - 1);
  return [...first.slice(0, front), ...second.slice(second.length - back)].join(' ');
}

/**
 * Up to `n` distinct fragments of every text of at least four words, text by text (a join takes its second
 * text from the same list); the same seed and texts give the same list.
 */
export function fragmentVariants(texts: readonly string[], n: number, seed: number): string[] {
  const random = seededRandom(seed);
  const split = texts.map(words);
  const long = split.filter((w) => w.length >= MIN_WORDS);
  const out: string[] = [];
  for (const [i, tokens] of split.entries()) {
    if (tokens.length < MIN_WORDS) continue;
    const seen = new Set([texts[i]?.trim() ?? '']);
    for (let k = 0; k < n; k++) {
      for (let draw = 0; draw < MAX_DRAWS; draw++) {
        const other = long[Math.floor(random() * long.length)] ?? tokens;
        const fragment =
          random() < JOIN_CHANCE && other !== tokens
            ? joinedHalves(tokens, other, random)
            : wordRun(tokens, random);
        if (seen.has(fragment)) continue;
        seen.add(fragment);
        out.push(fragment);
        break;
      }
    }
  }
  return out;
}
