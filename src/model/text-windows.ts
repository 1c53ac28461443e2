/**
 * How the model reads a text longer than its input: windows of maxLen tokens overlapping by at least a quarter,
 * at most MAX_WINDOWS of them spread evenly from the first token to the last, and one probability row per
 * text pooled from its windows' rows as a mean weighted by each window's token count.
 */

/** Bounds one text's cost at this many headlines' worth: enough to read ~1,200 tokens whole, a sample beyond. */
export const MAX_WINDOWS = 32;

/** Tokens between the starts of neighbouring windows while the cap is not hit. */
const strideOf = (maxLen: number): number => maxLen - Math.floor(maxLen / 4);

/** The longest text (in tokens) read whole; past it, the windows sample the text evenly. */
export function tokensReadWhole(maxLen: number, maxWindows = MAX_WINDOWS): number {
  return maxLen + (maxWindows - 1) * strideOf(maxLen);
}

/** Windows covering `ids`; a text that fits the model is its own single window. */
export function windowsOf(
  ids: readonly number[],
  maxLen: number,
  maxWindows = MAX_WINDOWS,
): number[][] {
  if (ids.length <= maxLen) return [[...ids]];
  const lastStart = ids.length - maxLen;
  const count = Math.min(Math.ceil(lastStart / strideOf(maxLen)) + 1, maxWindows);
  // Starts spaced evenly: never wider apart than the stride while the cap is not hit, and still covering the
  // start and the end of the text (skipping evenly in between) when it is.
  return Array.from({ length: count }, (_, k) => {
    const start = Math.round((k * lastStart) / (count - 1));
    return ids.slice(start, start + maxLen);
  });
}

/**
 * Pools window rows (row-major, `width` per window — 3 probabilities, or a teacher's features — texts'
 * windows back to back) into one row per text. `windowLengths[i]` lists the token counts of text i's windows.
 */
export function poolWindows(
  rows: Float32Array,
  windowLengths: readonly (readonly number[])[],
  width = 3,
): Float32Array {
  const out = new Float32Array(windowLengths.length * width);
  let row = 0;
  windowLengths.forEach((lengths, text) => {
    const total = lengths.reduce((sum, length) => sum + length, 0) || 1;
    for (const length of lengths) {
      for (let c = 0; c < width; c++)
        out[text * width + c] =
          (out[text * width + c] ?? 0) + ((rows[row * width + c] ?? 0) * length) / total;
      row++;
    }
  });
  return out;
}
