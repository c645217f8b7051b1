/**
 * The DCT perceptual hash (pHash): a 32x32 luminance patch, its 2-D DCT, the 64 lowest
 * frequencies after the DC term (in zigzag order), one bit each: above their median or not.
 * Low frequencies are the layout of light and dark, which resizing, recompression and
 * brightness changes leave alone; the median makes the bits independent of overall level.
 *
 * A hash is two unsigned 32-bit halves [high, low], plain numbers for structured clone/JSON.
 */
export type Hash64 = [number, number];

const N = 32;
/** COS[u * N + x] = cos((2x + 1) u pi / 2N). */
const COS = new Float64Array(N * N);
for (let u = 0; u < N; u++) for (let x = 0; x < N; x++) COS[u * N + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N));

/** The 64 (u, v) after DC in zigzag order: diagonals u + v = 1, 2, ... */
const ZIGZAG: [number, number][] = [];
for (let s = 1; ZIGZAG.length < 64; s++) {
  for (let u = 0; u <= s && ZIGZAG.length < 64; u++) ZIGZAG.push([u, s - u]);
}
const MAX_FREQ = Math.max(...ZIGZAG.map(([u, v]) => Math.max(u, v))) + 1;

export function phash(patch: Float64Array): Hash64 {
  // Rows first (only the frequencies the hash uses), then columns.
  const rows = new Float64Array(N * MAX_FREQ);
  for (let y = 0; y < N; y++) {
    for (let v = 0; v < MAX_FREQ; v++) {
      let sum = 0;
      for (let x = 0; x < N; x++) sum += patch[y * N + x] * COS[v * N + x];
      rows[y * MAX_FREQ + v] = sum;
    }
  }
  const coefficients = ZIGZAG.map(([u, v]) => {
    let sum = 0;
    for (let y = 0; y < N; y++) sum += rows[y * MAX_FREQ + v] * COS[u * N + y];
    return sum;
  });
  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = (sorted[31] + sorted[32]) / 2;
  let high = 0;
  let low = 0;
  coefficients.forEach((c, n) => {
    if (c <= median) return;
    if (n < 32) high |= 1 << (31 - n);
    else low |= 1 << (63 - n);
  });
  return [high >>> 0, low >>> 0];
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hamming(a: Hash64, b: Hash64): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}
