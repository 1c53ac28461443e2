/** How far apart two runs' float outputs are: the largest absolute difference, and the lowest cosine between corresponding rows. */
import { expect } from 'vitest';

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

/** The lowest cosine between corresponding rows of `width` values (e.g. token states). */
export function minRowCosine(a: Float32Array, b: Float32Array, width: number): number {
  expect(a.length).toBe(b.length);
  let worst = 1;
  for (let row = 0; row < a.length; row += width) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = row; i < row + width; i++) {
      const x = a[i] ?? 0;
      const y = b[i] ?? 0;
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    worst = Math.min(worst, dot / Math.sqrt(na * nb));
  }
  return worst;
}
