/**
 * Calibration of the audio score to 0..1. The evidence is the share of comparable
 * landmarks that line up at one offset (an identical copy keeps 40 % and more; frame-grid
 * jitter loses the rest), discounted when only a handful line up. Fitted on the
 * synthesized bench corpus (docs/emulator-fingerprints-av.md).
 */

/** An alignment needs this many hashes at one offset before it is considered at all. */
export const MIN_ALIGNED_VOTES = 5;
/**
 * Aligned hashes from which the count no longer discounts the score: 16 when at most 10 %
 * of the comparable hashes align (unrelated synthesized chirps were seen to align 11 of 108
 * by chance inside a 2 s overlap), down to 8 when 20 % and more align (a sparse recording,
 * two drum hits in 5 s, has few landmarks to offer, but a copy keeps a large share of them).
 */
function certainVotes(share: number): number {
  if (share <= 0.1) return 16;
  if (share >= 0.2) return 8;
  return 16 - 80 * (share - 0.1);
}
/**
 * Share of comparable hashes that maps to the default threshold 0.8. Chance alignments of
 * unrelated synthesized chirps reached 7 % (25 of 354 hashes in a 3.7 s overlap); copies
 * through MP3 or 20 dB SNR noise keep 15 % and more.
 */
const THRESHOLD_SHARE = 0.08;
/** Share of comparable hashes that maps to 1 (an identical copy). */
const FULL_SHARE = 0.4;

/** Share of the overlap that the segments must cover for the score to be undiscounted. */
const FULL_COVERAGE = 0.5;

/**
 * `aligned` hashes (beyond chance) of `comparable` line up; the segments they form cover
 * `coverage` (0..1) of the time query and item overlap. A burst of coincidences inside
 * half a second of a 5 s query (two similar chirps) covers little and scores low.
 */
export function audioSimilarity(aligned: number, comparable: number, coverage: number): number {
  const share = aligned / comparable;
  const confidence = clamp01((aligned - MIN_ALIGNED_VOTES + 1) / (certainVotes(share) - MIN_ALIGNED_VOTES + 1));
  const spread = clamp01(coverage / FULL_COVERAGE);
  return Math.round(confidence * spread * shareScore(share) * 1000) / 1000;
}

/** Piecewise linear: 0 -> 0, THRESHOLD_SHARE -> 0.8, FULL_SHARE and above -> 1. */
export function shareScore(share: number): number {
  if (share <= THRESHOLD_SHARE) return (0.8 * Math.max(0, share)) / THRESHOLD_SHARE;
  return 0.8 + 0.2 * clamp01((share - THRESHOLD_SHARE) / (FULL_SHARE - THRESHOLD_SHARE));
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
