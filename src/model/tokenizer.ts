/** A byte-pair-encoding subword tokenizer learned from the training text, with finance markers as atomic units. */
import { isMarker, MARKERS, pretokenize } from './pretokenize.ts';

export const PAD_ID = 0;
export const UNK_ID = 1;
const END = '</w>';

export interface TokenizerJson {
  kind: 'bpe';
  version: 1;
  vocab: string[];
  merges: Array<[string, string]>;
  /** Words kept as one token each (absent in tokenizers saved before it existed). */
  wholeWords?: string[];
}

export interface TrainTokenizerOptions {
  vocabSize: number;
  /** Pairs seen fewer times than this are never merged. */
  minPairCount?: number;
  /** Words that always get a token of their own, seen in the corpus or not (the polarity lexicon). */
  wholeWords?: readonly string[];
}

function symbolsOf(word: string): string[] {
  if (isMarker(word) || word.length === 1) return [word + END];
  const chars = Array.from(word);
  const last = chars.length - 1;
  chars[last] = `${chars[last] ?? ''}${END}`;
  return chars;
}

export class Tokenizer {
  readonly vocab: readonly string[];
  private readonly ids: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly merges: ReadonlyArray<[string, string]>;
  readonly wholeWords: readonly string[];
  private readonly cache = new Map<string, number[]>();

  constructor(
    vocab: readonly string[],
    merges: ReadonlyArray<[string, string]>,
    wholeWords: readonly string[] = [],
  ) {
    this.vocab = vocab;
    this.merges = merges;
    this.wholeWords = wholeWords;
    this.ids = new Map(vocab.map((token, i) => [token, i]));
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
    for (const word of wholeWords) {
      const id = this.ids.get(word + END);
      if (id !== undefined) this.cache.set(word, [id]);
    }
  }

  /** The token id of a whole word, if it has one of its own. */
  wordId(word: string): number | undefined {
    return this.ids.get(word + END);
  }

  get size(): number {
    return this.vocab.length;
  }

  /** Token ids for a text, truncated to maxLen (no padding). */
  encode(text: string, maxLen: number): number[] {
    const out: number[] = [];
    for (const word of pretokenize(text)) {
      for (const id of this.encodeWord(word)) {
        if (out.length >= maxLen) return out;
        out.push(id);
      }
    }
    return out;
  }

  /** Subword strings for a text, for inspection and tests. */
  pieces(text: string): string[] {
    return pretokenize(text).flatMap((word) =>
      this.encodeWord(word).map((id) => this.vocab[id] ?? '<unk>'),
    );
  }

  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let symbols = symbolsOf(word);
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const merged = `${symbols[best] ?? ''}${symbols[best + 1] ?? ''}`;
      symbols = [...symbols.slice(0, best), merged, ...symbols.slice(best + 2)];
    }
    const ids = symbols.map((s) => this.ids.get(s) ?? UNK_ID);
    // Bounded cache: news vocabularies are Zipfian, so the head stays hot without growing forever.
    // (Whole words were put in it at construction, so they never reach the merge loop.)
    if (this.cache.size < 200_000) this.cache.set(word, ids);
    return ids;
  }

  toJSON(): TokenizerJson {
    return {
      kind: 'bpe',
      version: 1,
      vocab: [...this.vocab],
      merges: [...this.merges],
      ...(this.wholeWords.length > 0 ? { wholeWords: [...this.wholeWords] } : {}),
    };
  }

  static fromJSON(json: TokenizerJson): Tokenizer {
    if (json.kind !== 'bpe' || json.version !== 1) throw new Error('unsupported tokenizer format');
    return new Tokenizer(json.vocab, json.merges, json.wholeWords ?? []);
  }
}

/**
 * Learns merges greedily by pair frequency over the corpus's word counts, updating only the
 * words that contain the merged pair so training stays well under a second for ~20k headlines.
 */
export function trainTokenizer(texts: Iterable<string>, options: TrainTokenizerOptions): Tokenizer {
  const minPair = options.minPairCount ?? 3;
  const whole = new Set(options.wholeWords ?? []);
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const word of pretokenize(text)) {
      if (!whole.has(word)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
  }
  const words: string[][] = [];
  const freqs: number[] = [];
  const symbolCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    const symbols = symbolsOf(word);
    words.push(symbols);
    freqs.push(count);
    for (const s of symbols) symbolCounts.set(s, (symbolCounts.get(s) ?? 0) + count);
  }
  const base = [...symbolCounts.entries()]
    .filter(([s, c]) => c >= 2 || isMarker(s.replace(END, '')))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([s]) => s);
  const vocab = [
    '<pad>',
    '<unk>',
    ...Object.values(MARKERS).map((m) => m + END),
    ...[...whole].sort().map((w) => w + END),
  ];
  const seen = new Set(vocab);
  for (const s of base) {
    if (!seen.has(s)) {
      vocab.push(s);
      seen.add(s);
    }
  }

  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const addWordPairs = (w: number, sign: 1 | -1) => {
    const symbols = words[w] ?? [];
    const f = (freqs[w] ?? 0) * sign;
    for (let i = 0; i < symbols.length - 1; i++) {
      const key = `${symbols[i]} ${symbols[i + 1]}`;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + f);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) {
          set = new Set();
          pairWords.set(key, set);
        }
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addWordPairs(w, 1);

  const merges: Array<[string, string]> = [];
  while (vocab.length < options.vocabSize) {
    let bestKey = '';
    let bestCount = minPair - 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && bestKey !== '' && key < bestKey)) {
        bestCount = count;
        bestKey = key;
      }
    }
    if (bestKey === '') break;
    const [a, b] = bestKey.split(' ') as [string, string];
    const merged = a + b;
    merges.push([a, b]);
    if (!seen.has(merged)) {
      vocab.push(merged);
      seen.add(merged);
    }
    for (const w of pairWords.get(bestKey) ?? []) {
      const symbols = words[w] ?? [];
      addWordPairs(w, -1);
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === a && symbols[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(symbols[i] ?? '');
      }
      words[w] = next;
      addWordPairs(w, 1);
    }
    pairCounts.delete(bestKey);
    pairWords.delete(bestKey);
  }
  return new Tokenizer(vocab, merges, [...whole].sort());
}
