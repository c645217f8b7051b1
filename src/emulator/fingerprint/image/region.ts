/**
 * Box-filtered resampling of any rectangle of a square raster, through a summed-area table:
 * each output pixel is the exact mean of the (fractional) source rectangle it covers, O(1) per
 * pixel. Whole-picture and crop patches are all cut this way from one decode.
 */

/** (side + 1)^2 prefix sums: table[y * (side + 1) + x] = sum of pixels above and left of (x, y). */
export function summedArea(pixels: ArrayLike<number>, side: number): Float64Array {
  const stride = side + 1;
  const table = new Float64Array(stride * stride);
  for (let y = 0; y < side; y++) {
    let row = 0;
    for (let x = 0; x < side; x++) {
      row += pixels[y * side + x];
      table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + row;
    }
  }
  return table;
}

/** Sum over [0, x) x [0, y) for fractional x, y: bilinear in the prefix sums, which is exact for box areas. */
function prefix(table: Float64Array, side: number, x: number, y: number): number {
  const stride = side + 1;
  x = Math.min(side, Math.max(0, x));
  y = Math.min(side, Math.max(0, y));
  const ix = Math.min(side - 1, Math.floor(x));
  const iy = Math.min(side - 1, Math.floor(y));
  const fx = x - ix;
  const fy = y - iy;
  const p = iy * stride + ix;
  return (table[p] * (1 - fx) + table[p + 1] * fx) * (1 - fy) + (table[p + stride] * (1 - fx) + table[p + stride + 1] * fx) * fy;
}

/** The rectangle [x0, x0 + width) x [y0, y0 + height) of the raster (in its pixels), box-averaged onto n x n. */
export function sampleRegion(table: Float64Array, side: number, x0: number, y0: number, width: number, height: number, n: number): Float64Array {
  // Prefix sums at the (n + 1)^2 cell corners once; each cell is then four lookups.
  const corners = new Float64Array((n + 1) * (n + 1));
  for (let j = 0; j <= n; j++) {
    const y = y0 + (j * height) / n;
    for (let i = 0; i <= n; i++) corners[j * (n + 1) + i] = prefix(table, side, x0 + (i * width) / n, y);
  }
  const out = new Float64Array(n * n);
  const area = (width / n) * (height / n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const top = y * (n + 1) + x;
      const bottom = top + n + 1;
      out[y * n + x] = (corners[bottom + 1] - corners[bottom] - corners[top + 1] + corners[top]) / area;
    }
  }
  return out;
}
