/** Headline-like synthetic texts from a model's own vocabulary, for timing a model without any training text. */
import { seededRandom } from '../core/random.ts';

/** Finance markers the tokenizer splits into several pieces, as real headlines make it do. */
const EXTRAS = ['$ACME', '+3.4%', '-12%', '$2.5 billion', 'https://example.com/x', '2024'];

/**
 * `count` texts of 10–22 words drawn from the tokenizer's whole-word vocabulary plus finance markers:
 * lengths and token counts resemble real headlines, and the same seed gives the same texts.
 */
export function syntheticHeadlines(
  tokenizer: { vocab: readonly string[] },
  count: number,
  seed: number,
): string[] {
  // BPE marks whole words with </w>; a WordPiece vocabulary's plain entries are whole words already.
  const bpe = tokenizer.vocab
    .filter((token) => /^[a-z]{3,}<\/w>$/.test(token))
    .map((token) => token.slice(0, -'</w>'.length));
  const words = bpe.length > 0 ? bpe : tokenizer.vocab.filter((token) => /^[a-z]{3,}$/.test(token));
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[], fallback: T): T =>
    list[Math.floor(random() * list.length)] ?? fallback;
  return Array.from({ length: count }, () => {
    const n = 10 + Math.floor(random() * 13);
    return Array.from({ length: n }, () =>
      random() < 0.08 ? pick(EXTRAS, '') : pick(words, 'x'),
    ).join(' ');
  });
}
