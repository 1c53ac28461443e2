/** MinHash signatures of token-hash sets and their LSH band buckets, in typed arrays reused across items. */

/** 12 bands of 2 rows: a pair with Jaccard 0.5 shares a band with probability 0.97, at 0.2 with 0.39. */
export const BANDS = 12;
export const ROWS = 2;
const HASHES = BANDS * ROWS;

/** murmur3's finalizer: spreads every input bit over the output, so XOR-seeded copies act as independent hashes. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Uint32Array.from({ length: HASHES }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/**
 * Writes the BANDS bucket keys of the set `tokens[0, count)` into `out`. Two sets share a key in band b when
 * their ROWS minimum hashes of that band are equal; each band's key also carries b, so bands never collide.
 */
export function bandKeys(tokens: Uint32Array, count: number, out: Uint32Array): void {
  for (let band = 0; band < BANDS; band++) {
    let key = mix(band + 1);
    for (let row = 0; row < ROWS; row++) {
      const seed = SEEDS[band * ROWS + row] ?? 0;
      let min = 0xffffffff;
      for (let t = 0; t < count; t++) {
        const h = mix((tokens[t] ?? 0) ^ seed);
        if (h < min) min = h;
      }
      key = mix(Math.imul(key, 31) ^ min);
    }
    out[band] = key;
  }
}
