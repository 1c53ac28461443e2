/** One output line of `bellwether score-text`: the text's sentiment and, with --entities, each company's beside it. */
import type { EntitySentiment } from '../../core/news.ts';
import { sentimentAt } from '../../scoring/probabilities.ts';

export type InputRow = { text: string; id?: unknown };

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function rounded(sentiment: Pick<EntitySentiment, 'label' | 'probs' | 'score'>) {
  const { label, probs, score } = sentiment;
  return {
    label,
    probs: {
      negative: round(probs.negative),
      neutral: round(probs.neutral),
      positive: round(probs.positive),
    },
    score: round(score),
  };
}

/**
 * `entities` is given only with --entities: a text naming no watchlist company then says so with an
 * empty list, rather than leaving the reader to wonder whether entity scoring ran.
 */
export function renderScored(
  row: InputRow,
  probs: Float32Array,
  index: number,
  entities?: readonly EntitySentiment[],
): string {
  return JSON.stringify({
    ...(row.id === undefined ? {} : { id: row.id }),
    text: row.text,
    ...rounded(sentimentAt(probs, index)),
    ...(entities === undefined
      ? {}
      : {
          entities: entities.map((e) => ({
            company: e.company,
            ticker: e.ticker,
            mention: e.mention,
            ...rounded(e),
          })),
        }),
  });
}
