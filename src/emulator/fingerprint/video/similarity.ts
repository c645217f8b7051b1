/**
 * Calibration of the picture score to 0..1: the share of comparable frames (valid frames
 * inside the overlap) whose hashes line up at one offset, discounted when only a few do.
 * Fitted on the lavfi bench corpus (docs/emulator-fingerprints-av.md).
 */

/** An alignment needs this many frames at one offset before it is considered. */
export const MIN_ALIGNED_FRAMES = 3;
/** Frames (at 4 a second) from which the count no longer discounts the score. */
const CERTAIN_FRAMES = 8;
/** Share of comparable frames that maps to the default threshold 0.8. */
const THRESHOLD_SHARE = 0.4;
/** Share that maps to 1. */
const FULL_SHARE = 0.9;

export function videoSimilarity(aligned: number, comparable: number): number {
  const confidence = clamp01((aligned - MIN_ALIGNED_FRAMES + 1) / (CERTAIN_FRAMES - MIN_ALIGNED_FRAMES + 1));
  const share = aligned / comparable;
  const score = share <= THRESHOLD_SHARE ? (0.8 * share) / THRESHOLD_SHARE : 0.8 + 0.2 * clamp01((share - THRESHOLD_SHARE) / (FULL_SHARE - THRESHOLD_SHARE));
  return Math.round(confidence * score * 1000) / 1000;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
