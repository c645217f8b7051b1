/**
 * 16x16 luminance thumbnails and their normalized cross-correlation (NCC). pHash bits find
 * candidates fast, but pictures of similar layout share many bits; NCC looks at the actual
 * light and dark, is blind to brightness and contrast changes, and tells a copy (NCC near 1)
 * from a look-alike.
 */
export const THUMB = 24;

/**
 * The least-squares plane (a + b x + c y) removed, then unit length: NCC of two normalized
 * thumbnails is their dot product. Removing the plane, not only the mean, takes out smooth
 * light falloff and linear gradients, which unrelated pictures share and which would
 * otherwise correlate them.
 */
export function normalize(thumb: ArrayLike<number>): Float32Array {
  const out = new Float32Array(thumb.length);
  let mean = 0;
  let bx = 0;
  let by = 0;
  const half = (THUMB - 1) / 2;
  // x and y centred on the grid are orthogonal to 1 and to each other: three projections.
  let xx = 0;
  for (let i = 0; i < thumb.length; i++) {
    const x = (i % THUMB) - half;
    const y = Math.floor(i / THUMB) - half;
    mean += thumb[i];
    bx += thumb[i] * x;
    by += thumb[i] * y;
    xx += x * x;
  }
  mean /= thumb.length;
  bx /= xx;
  by /= xx;
  let norm = 0;
  for (let i = 0; i < thumb.length; i++) {
    out[i] = thumb[i] - mean - bx * ((i % THUMB) - half) - by * (Math.floor(i / THUMB) - half);
    norm += out[i] * out[i];
  }
  norm = Math.sqrt(norm);
  // A flat picture has no pattern to correlate: all zeros, NCC 0 with everything.
  if (norm < 1e-6) return out.fill(0);
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

export function correlation(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}
