/**
 * Shingles (k consecutive tokens) and winnowing (Schleimer, Wilkerson, Aiken 2003).
 *
 * Winnowing keeps the smallest shingle hash of every window of `w` consecutive shingles. Any
 * passage two texts share of at least w + k - 1 tokens then shares at least one kept hash,
 * while only about 2 / (w + 1) of the shingles are kept. The kept hashes are what the index
 * stores; the full shingle sequence stays in the fingerprint for exact alignment.
 */

/** Shingle length in tokens: 5 words, or 5 CJK characters. */
export const SHINGLE_TOKENS = 5;
/** Winnowing window in shingles: guarantees a shared hash for any common run of 8 tokens. */
export const WINNOW_WINDOW = 4;

function mix(hash: number): number {
  // murmur3's finalizer: spreads the bits so winnowing's minimum is not biased by token hashes.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Hash of tokens [i, i + k) for every i. Fewer than k tokens give one shingle of them all. */
export function shingleHashes(tokenHashes: readonly number[], k: number): number[] {
  const span = Math.min(k, tokenHashes.length);
  const out: number[] = [];
  for (let i = 0; i + span <= tokenHashes.length && span > 0; i++) {
    let hash = span;
    for (let j = 0; j < span; j++) hash = Math.imul(hash ^ tokenHashes[i + j], 0x9e3779b1) + j;
    out.push(mix(hash));
  }
  return out;
}

/** Indexes of the winnowed shingles, ascending and distinct. */
export function winnow(hashes: readonly number[], w: number): number[] {
  if (hashes.length <= w) {
    if (hashes.length === 0) return [];
    let min = 0;
    for (let i = 1; i < hashes.length; i++) if (hashes[i] <= hashes[min]) min = i;
    return [min];
  }
  const picked: number[] = [];
  for (let start = 0; start + w <= hashes.length; start++) {
    let min = start;
    for (let i = start + 1; i < start + w; i++) if (hashes[i] <= hashes[min]) min = i;
    if (picked[picked.length - 1] !== min) picked.push(min);
  }
  return picked;
}
