/**
 * Word-swap variants for the distillation transfer set: words of a training text replaced by their nearest
 * neighbours among a pretrained encoder's word embeddings ("slid" for "fell", "trimmed" for "cut"). The
 * teacher reads every variant afresh, so a swap that turns the meaning ("weak" for "strong") is labelled
 * for what it now says; what the student gains is the teacher's reading of words its training texts
 * rarely hold.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../core/random.ts';
import { readEncoderWeights } from '../pretrained/encoder-weights.ts';
import { findPretrained, type PretrainedId } from '../pretrained/provisioned.ts';
import { WordPieceInput } from '../pretrained/wordpiece-input.ts';

/** Neighbours kept per word. */
const NEIGHBOURS = 8;
/** Below this cosine a neighbour is mostly noise ("carrot" for "crunch"). */
const MIN_SIMILARITY = 0.3;
/** Query rows per similarity product: 1,024 × ~21k floats at a time. */
const CHUNK = 1024;
/** Chance that each swappable word of a variant is swapped. */
const SWAP_CHANCE = 0.3;
/** Words the encoder has as one whole lower-case token of three letters or more. */
const WORD = /^[a-z]{3,}$/;
const TEXT_WORD = /\p{L}+/gu;

export type WordNeighbours = ReadonlyMap<string, readonly string[]>;

/**
 * For each query word the encoder holds whole, its nearest whole words by cosine of the word embeddings
 * (`table`: vocabulary × hidden, row-major), most similar first.
 */
export function nearestWords(
  vocab: readonly string[],
  table: Float32Array,
  hidden: number,
  queries: Iterable<string>,
  k = NEIGHBOURS,
): Map<string, string[]> {
  const candidates: number[] = [];
  const row = new Map<string, number>();
  vocab.forEach((token, id) => {
    if (!WORD.test(token)) return;
    row.set(token, candidates.length);
    candidates.push(id);
  });
  const asked = [...new Set(queries)].filter((word) => row.has(word));
  const out = new Map<string, string[]>();
  if (asked.length === 0 || candidates.length < 2) return out;
  const matrix = new Float32Array(candidates.length * hidden);
  candidates.forEach((id, r) => {
    matrix.set(table.subarray(id * hidden, (id + 1) * hidden), r * hidden);
  });
  const unit = tf.tidy(() => {
    const m = tf.tensor2d(matrix, [candidates.length, hidden]);
    return tf.div(m, tf.maximum(tf.norm(m, 2, 1, true), 1e-12));
  });
  const take = Math.min(k + 1, candidates.length);
  try {
    for (let start = 0; start < asked.length; start += CHUNK) {
      const words = asked.slice(start, start + CHUNK);
      const [indices, values] = tf.tidy(() => {
        const q = tf.gather(
          unit,
          words.map((w) => row.get(w) ?? 0),
        );
        const top = tf.topk(tf.matMul(q, unit, false, true), take);
        return [top.indices.dataSync(), top.values.dataSync()] as const;
      });
      words.forEach((word, w) => {
        const near: string[] = [];
        for (let j = 0; j < take; j++) {
          const candidate = vocab[candidates[indices[w * take + j] ?? 0] ?? 0] ?? '';
          const similarity = values[w * take + j] ?? 0;
          if (candidate !== word && similarity >= MIN_SIMILARITY && near.length < k) {
            near.push(candidate);
          }
        }
        if (near.length > 0) out.set(word, near);
      });
    }
  } finally {
    unit.dispose();
  }
  return out;
}

/** The neighbours of every word in `texts`, from provisioned encoder `id`; throws the one-line reason when it is not provisioned. */
export async function wordNeighboursFor(
  id: PretrainedId,
  texts: readonly string[],
): Promise<WordNeighbours> {
  const found = findPretrained(id);
  if (!found.ok) throw new Error(found.reason);
  const file = found.tokenizerFile;
  const tokenizer = WordPieceInput.fromJson(JSON.parse(await readFile(file, 'utf8')), file);
  const weights = await readEncoderWeights(found.dir);
  const table = weights.tensors.get('embeddings.word_embeddings.weight');
  if (!table) throw new Error(`${found.dir}: no word embeddings`);
  const words = new Set<string>();
  for (const text of texts)
    for (const word of text.match(TEXT_WORD) ?? []) words.add(word.toLowerCase());
  return nearestWords(tokenizer.vocab, table.values, weights.config.hidden, words);
}

/** `replacement` written in the case of `original`: lower, Capitalised; an all-capitals word is never swapped. */
function inCaseOf(original: string, replacement: string): string {
  const first = original.charAt(0);
  return first !== first.toLowerCase()
    ? replacement.charAt(0).toUpperCase() + replacement.slice(1)
    : replacement;
}

/** One variant: each swappable word swapped by chance; the text itself when nothing was swapped. */
export function swapWords(text: string, neighbours: WordNeighbours, random: () => number): string {
  return text.replace(TEXT_WORD, (word) => {
    // Tickers and acronyms (two capitals or more) are names, not words.
    if (word.length > 1 && word === word.toUpperCase()) return word;
    const near = neighbours.get(word.toLowerCase());
    if (!near || random() >= SWAP_CHANCE) return word;
    return inCaseOf(word, near[Math.floor(random() * near.length)] ?? word);
  });
}

/** Draws per slot before giving up on a variant that differs from its text and from the text's other variants. */
const MAX_DRAWS = 5;

/** Up to `n` distinct word-swap variants of every text, text by text; the same seed and texts give the same list. */
export function wordSwapVariants(
  texts: readonly string[],
  n: number,
  neighbours: WordNeighbours,
  seed: number,
): string[] {
  const random = seededRandom(seed);
  const out: string[] = [];
  for (const text of texts) {
    const seen = new Set([text]);
    for (let k = 0; k < n; k++) {
      for (let draw = 0; draw < MAX_DRAWS; draw++) {
        const variant = swapWords(text, neighbours, random);
        if (seen.has(variant)) continue;
        seen.add(variant);
        out.push(variant);
        break;
      }
    }
  }
  return out;
}
