/**
 * Initial word embeddings for the small hybrid from a pretrained encoder's: each student vocabulary entry's
 * WordPiece rows averaged, then projected to the student's width by PCA over the vocabulary.
 */
import { seededRandom } from '../../core/random.ts';
import { MARKERS } from '../pretokenize.ts';
import type { ProjectedEmbeddingInit } from '../projected-embedding.ts';
import { readEncoderWeights } from './encoder-weights.ts';
import { findPretrained, type PretrainedId } from './provisioned.ts';
import { WordPieceTokenizer } from './wordpiece.ts';

/** The student's RMS after projection: its embedding layer's own initial spread (layers.ts). */
const TARGET_RMS = 0.05;
/** Subspace iterations of the PCA: the top components settle well before this on a vocabulary. */
const PCA_ITERATIONS = 40;

/** What the encoder reads for each marker the student's tokenizer puts in place of a link, amount… */
const MARKER_TEXT: Record<string, string> = {
  [MARKERS.url]: 'link',
  [MARKERS.cashtag]: 'stock ticker',
  [MARKERS.mention]: 'user',
  [MARKERS.pctUp]: 'up percent',
  [MARKERS.pctDown]: 'down percent',
  [MARKERS.pct]: 'percent',
  [MARKERS.money]: 'dollars',
  [MARKERS.num]: 'number',
};

/** The text of a student token: a marker's words, a subword without its end-of-word mark; '' for <pad> and <unk>. */
export function tokenText(token: string): string {
  const bare = token.endsWith('</w>') ? token.slice(0, -4) : token;
  return MARKER_TEXT[bare] ?? (bare.startsWith('<') && bare.endsWith('>') ? '' : bare);
}

/** Columns of the d × k matrix `m` (row-major) made orthonormal in place, by Gram–Schmidt. */
function orthonormalize(m: Float64Array, d: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += (m[r * k + j] ?? 0) * (m[r * k + p] ?? 0);
      for (let r = 0; r < d; r++) m[r * k + j] = (m[r * k + j] ?? 0) - dot * (m[r * k + p] ?? 0);
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += (m[r * k + j] ?? 0) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < d; r++) m[r * k + j] = (m[r * k + j] ?? 0) / norm;
  }
}

/**
 * The PCA of the present rows of n × d: their mean, the top k principal directions (d × k, orthonormal
 * columns) and each present row's centred coordinates on them (float64).
 */
interface PcaFit {
  kept: number[];
  mean: Float64Array;
  basis: Float64Array;
  projected: Float64Array[];
}

function pcaFit(
  rows: Float32Array,
  n: number,
  d: number,
  k: number,
  present: readonly boolean[],
  seed: number,
): PcaFit {
  const kept = [...Array(n).keys()].filter((i) => present[i]);
  if (k > d || kept.length <= k) {
    throw new Error(`PCA to ${k} dimensions needs more than ${k} rows of width ≥ ${k}`);
  }
  const mean = new Float64Array(d);
  for (const i of kept)
    for (let c = 0; c < d; c++) mean[c] = (mean[c] ?? 0) + (rows[i * d + c] ?? 0) / kept.length;
  const centred = kept.map((i) =>
    Float64Array.from({ length: d }, (_, c) => (rows[i * d + c] ?? 0) - (mean[c] ?? 0)),
  );
  const covariance = new Float64Array(d * d);
  for (const x of centred) {
    for (let a = 0; a < d; a++) {
      const xa = x[a] ?? 0;
      if (xa === 0) continue;
      for (let b = a; b < d; b++)
        covariance[a * d + b] = (covariance[a * d + b] ?? 0) + xa * (x[b] ?? 0);
    }
  }
  for (let a = 0; a < d; a++)
    for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a] ?? 0;
  const random = seededRandom(seed);
  let basis = Float64Array.from({ length: d * k }, () => random() - 0.5);
  orthonormalize(basis, d, k);
  for (let iteration = 0; iteration < PCA_ITERATIONS; iteration++) {
    const next = new Float64Array(d * k);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const cab = covariance[a * d + b] ?? 0;
        for (let j = 0; j < k; j++)
          next[a * k + j] = (next[a * k + j] ?? 0) + cab * (basis[b * k + j] ?? 0);
      }
    }
    orthonormalize(next, d, k);
    basis = next;
  }
  const projected = centred.map((x) =>
    Float64Array.from({ length: k }, (_, j) => {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += (x[c] ?? 0) * (basis[c * k + j] ?? 0);
      return sum;
    }),
  );
  return { kept, mean, basis, projected };
}

/** The factor that brings the projected coordinates to an RMS of `rms`. */
function rmsScale(fit: PcaFit, k: number, rms: number): number {
  const square = fit.projected.reduce((s, p) => s + p.reduce((t, v) => t + v * v, 0), 0);
  return rms / Math.sqrt(square / (fit.kept.length * k) || 1);
}

/**
 * Rows n × d centred and projected onto their top k principal directions (n × k), scaled to an RMS of
 * `rms`. Rows flagged absent neither shape the directions nor get a projection: they stay 0. Plain
 * arithmetic in float64 (subspace iteration on the covariance), so every backend gets the same table.
 */
export function pcaProject(
  rows: Float32Array,
  n: number,
  d: number,
  k: number,
  present: readonly boolean[],
  rms = TARGET_RMS,
  seed = 1,
): Float32Array {
  const fit = pcaFit(rows, n, d, k, present, seed);
  const scale = rmsScale(fit, k, rms);
  const out = new Float32Array(n * k);
  fit.kept.forEach((row, j) => {
    out.set(
      (fit.projected[j] ?? new Float64Array(k)).map((v) => v * scale),
      row * k,
    );
  });
  return out;
}

/**
 * What a projected embedding (../projected-embedding.ts) starts from: the present rows centred (absent rows
 * 0), kept at full width, and the scaled PCA directions as the projection, so that vectors · projection is
 * `pcaProject`'s table up to float32 rounding: training starts where `--embed-init` alone starts.
 */
export function pcaProjectionInit(
  rows: Float32Array,
  shape: { n: number; d: number; k: number },
  present: readonly boolean[],
): ProjectedEmbeddingInit {
  const { n, d, k } = shape;
  const fit = pcaFit(rows, n, d, k, present, 1);
  const scale = rmsScale(fit, k, TARGET_RMS);
  const vectors = new Float32Array(n * d);
  for (const i of fit.kept) {
    for (let c = 0; c < d; c++) vectors[i * d + c] = (rows[i * d + c] ?? 0) - (fit.mean[c] ?? 0);
  }
  const projection = Float32Array.from(fit.basis, (v) => v * scale);
  return { width: d, vectors, projection };
}

/** The encoder's word-embedding rows averaged per student token (n × hidden), and which tokens had any. */
export function meanWordPieceRows(
  vocab: readonly string[],
  encode: (text: string) => number[],
  table: Float32Array,
  hidden: number,
): { rows: Float32Array; present: boolean[] } {
  const rows = new Float32Array(vocab.length * hidden);
  const present = vocab.map((token, i) => {
    const text = tokenText(token);
    const ids = text === '' ? [] : encode(text);
    for (const id of ids) {
      for (let c = 0; c < hidden; c++) {
        rows[i * hidden + c] =
          (rows[i * hidden + c] ?? 0) + (table[id * hidden + c] ?? 0) / ids.length;
      }
    }
    return ids.length > 0;
  });
  return { rows, present };
}

/** The student's initial token table for `vocab` at width `dim`, from the provisioned encoder `id`. */
export type EmbeddingInit = (vocab: readonly string[], dim: number) => Float32Array;

/** The frozen vectors and starting projection of a projected embedding for `vocab` at width `dim`. */
export type ProjectedInit = (vocab: readonly string[], dim: number) => ProjectedEmbeddingInit;

/** Both ways of starting from encoder `id`'s word vectors. */
export interface EmbeddingSource {
  table: EmbeddingInit;
  projected: ProjectedInit;
}

/** Loads encoder `id` once; throws, with the one-line reason, when it is not provisioned. */
export async function pretrainedEmbeddingInit(id: PretrainedId): Promise<EmbeddingSource> {
  const found = findPretrained(id);
  if (!found.ok) throw new Error(found.reason);
  const tokenizer = await WordPieceTokenizer.load(found.tokenizerFile);
  const weights = await readEncoderWeights(found.dir);
  const table = weights.tensors.get('embeddings.word_embeddings.weight');
  if (!table) throw new Error(`${found.dir}: no word embeddings`);
  const hidden = weights.config.hidden;
  // Without the [CLS] … [SEP] frame: only the token's own pieces.
  const encode = (text: string) => tokenizer.encode(text).slice(1, -1);
  return {
    table: (vocab, dim) => {
      const { rows, present } = meanWordPieceRows(vocab, encode, table.values, hidden);
      return pcaProject(rows, vocab.length, hidden, dim, present);
    },
    projected: (vocab, dim) => {
      const { rows, present } = meanWordPieceRows(vocab, encode, table.values, hidden);
      return pcaProjectionInit(rows, { n: vocab.length, d: hidden, k: dim }, present);
    },
  };
}
