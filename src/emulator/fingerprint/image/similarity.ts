/**
 * Similarity from the verified NCC, calibrated so the default threshold 0.8 separates copies
 * from look-alikes. Measured on the bench corpus (docs/emulator-fingerprints.md): resized,
 * recompressed and brightened copies verify at NCC >= 0.96, 10% crops at >= 0.87 (5th
 * percentile 0.98), while the closest unrelated pictures among pHash candidates reach 0.83.
 * NCC_AT_DEFAULT maps to 0.8; above it the scale is stretched linearly to 1, below it shrunk
 * linearly to 0.
 */
export const NCC_AT_DEFAULT = 0.855;

export function similarityOf(ncc: number): number {
  if (ncc >= NCC_AT_DEFAULT) return Math.min(1, 0.8 + (0.2 * (ncc - NCC_AT_DEFAULT)) / (1 - NCC_AT_DEFAULT));
  return Math.max(0, (0.8 * ncc) / NCC_AT_DEFAULT);
}
