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
  const out = new Float64Array(n * n);
  const cellW = width / n;
  const cellH = height / n;
  for (let y = 0; y < n; y++) {
    const top = y0 + y * cellH;
    const bottom = top + cellH;
    for (let x = 0; x < n; x++) {
      const left = x0 + x * cellW;
      const right = left + cellW;
      const sum = prefix(table, side, right, bottom) - prefix(table, side, left, bottom) - prefix(table, side, right, top) + prefix(table, side, left, top);
      out[y * n + x] = sum / (cellW * cellH);
    }
  }
  return out;
}
