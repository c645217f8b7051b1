/**
 * Perceptual hash of one small grayscale frame (pHash, as in Zauner 2010): a 2-D DCT of the
 * SIZE x SIZE image, the lowest HASH_BLOCK x HASH_BLOCK coefficients but the DC term (63),
 * plus one more, each compared with their median: 64 bits, kept as two unsigned 32-bit
 * halves. Re-encoding, rescaling and mild colour changes move few bits; different pictures
 * differ in about half.
 */
import { FLAT_DEVIATION, HASH_BLOCK, SIZE } from "./params.js";

let cosTable: Float64Array | undefined;

/** cos((2x + 1) u pi / 2N) for u < HASH_BLOCK + 1, x < SIZE. */
function cosines(): Float64Array {
  if (cosTable) return cosTable;
  const rows = HASH_BLOCK + 1;
  cosTable = new Float64Array(rows * SIZE);
  for (let u = 0; u < rows; u++) for (let x = 0; x < SIZE; x++) cosTable[u * SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * SIZE));
  return cosTable;
}

export interface FrameHash {
  hi: number;
  lo: number;
  /** False for flat frames (black, uniform): their hash is noise and is not indexed. */
  valid: boolean;
}

/** `pixels`: SIZE * SIZE bytes, row-major. */
export function frameHash(pixels: Uint8Array): FrameHash {
  const c = cosines();
  const rows = HASH_BLOCK + 1;
  // Separable DCT, only the low coefficients: first along x for every row, then along y.
  const alongX = new Float64Array(SIZE * rows);
  for (let y = 0; y < SIZE; y++) {
    for (let u = 0; u < rows; u++) {
      let sum = 0;
      for (let x = 0; x < SIZE; x++) sum += pixels[y * SIZE + x] * c[u * SIZE + x];
      alongX[y * rows + u] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let v = 0; v < HASH_BLOCK; v++) {
    for (let u = 0; u < HASH_BLOCK; u++) {
      if (u === 0 && v === 0) continue;
      let sum = 0;
      for (let y = 0; y < SIZE; y++) sum += alongX[y * rows + u] * c[v * SIZE + y];
      coefficients.push(sum);
    }
  }
  // The 64th bit: coefficient (8, 0).
  let extra = 0;
  for (let y = 0; y < SIZE; y++) extra += alongX[y * rows + HASH_BLOCK];
  coefficients.push(extra);

  const valid = standardDeviation(pixels) >= FLAT_DEVIATION;
  const median = [...coefficients].sort((a, b) => a - b)[32];
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (coefficients[bit] > median) hi |= 1 << bit;
    if (coefficients[bit + 32] > median) lo |= 1 << bit;
  }
  return { hi: hi >>> 0, lo: lo >>> 0, valid };
}

function standardDeviation(pixels: Uint8Array): number {
  let sum = 0;
  for (const p of pixels) sum += p;
  const mean = sum / pixels.length;
  let squares = 0;
  for (const p of pixels) squares += (p - mean) * (p - mean);
  return Math.sqrt(squares / pixels.length);
}

export function hamming(hiA: number, loA: number, hiB: number, loB: number): number {
  return popcount(hiA ^ hiB) + popcount(loA ^ loB);
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Band `band` of BANDS equal bands of the 64 bits, as a number (8 bits each with 8 bands). */
export function bandValue(hi: number, lo: number, band: number, bands: number): number {
  const width = 64 / bands;
  const start = band * width;
  const word = start < 32 ? hi : lo;
  const shift = start % 32;
  return width === 32 ? word >>> 0 : (word >>> shift) & ((1 << width) - 1);
}
