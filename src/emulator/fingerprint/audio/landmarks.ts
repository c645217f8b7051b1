/**
 * Spectral-peak landmarks in the manner of Shazam (Wang 2003), Dejavu and audfprint:
 * 1. peaks: cells that are the maximum of their time-frequency neighbourhood and within
 *    PEAK_DYNAMIC_RANGE_DB of the input's loudest cell; in each block of BLOCK_FRAMES frames
 *    only the PEAKS_PER_BLOCK loudest survive, so dense noise cannot flood the index;
 * 2. pairs: each peak (anchor) pairs with the FAN_OUT loudest peaks in a target zone after it;
 *    the pair hashes to (f1, f2 - f1, t2 - t1) and is filed at the anchor's time t1.
 * A copy keeps many of the same pairs at the same relative times, whatever its volume or
 * codec, and an unrelated recording shares hashes only by chance, at scattered offsets.
 */
import {
  BLOCK_FRAMES,
  FAN_OUT,
  MIN_BIN,
  PEAK_DYNAMIC_RANGE_DB,
  PEAK_FREQ_RADIUS,
  PEAK_PROMINENCE_DB,
  PEAK_TIME_RADIUS,
  PEAKS_PER_BLOCK,
  TARGET_MAX_DF,
  TARGET_MAX_DT,
} from "./params.js";
import type { Spectrogram } from "./spectrogram.js";

export interface Peak {
  frame: number;
  bin: number;
  db: number;
}

export interface Landmarks {
  /** 22-bit pair hashes. */
  hashes: number[];
  /** Anchor frame of each hash, ascending. */
  frames: number[];
  /** Frame of each hash's target peak (anchor + dt). */
  dts: number[];
}

export function findPeaks(spec: Spectrogram): Peak[] {
  const { frames, bins, db } = spec;
  if (frames === 0) return [];
  let loudest = -Infinity;
  for (let i = 0; i < db.length; i++) if (db[i] > loudest) loudest = db[i];
  const floor = Math.max(loudest - PEAK_DYNAMIC_RANGE_DB, -150);
  const neighbourhoodMax = maxFilter(spec);
  const peaks: Peak[] = [];
  for (let blockStart = 0; blockStart < frames; blockStart += BLOCK_FRAMES) {
    const block: Peak[] = [];
    const blockEnd = Math.min(frames, blockStart + BLOCK_FRAMES);
    for (let frame = blockStart; frame < blockEnd; frame++) {
      const row = frame * bins;
      for (let bin = MIN_BIN; bin < bins - 1; bin++) {
        const value = db[row + bin];
        if (value > floor && value === neighbourhoodMax[row + bin] && prominence(spec, frame, bin) >= PEAK_PROMINENCE_DB) {
          block.push({ frame, bin, db: value });
        }
      }
    }
    block.sort((a, b) => b.db - a.db);
    peaks.push(...block.slice(0, PEAKS_PER_BLOCK));
  }
  peaks.sort((a, b) => a.frame - b.frame || a.bin - b.bin);
  return peaks;
}

export function pairPeaks(peaks: Peak[]): Landmarks {
  const hashes: number[] = [];
  const frames: number[] = [];
  const dts: number[] = [];
  const zone: Peak[] = [];
  for (let i = 0; i < peaks.length; i++) {
    const anchor = peaks[i];
    zone.length = 0;
    for (let j = i + 1; j < peaks.length; j++) {
      const target = peaks[j];
      const dt = target.frame - anchor.frame;
      if (dt > TARGET_MAX_DT) break;
      const df = target.bin - anchor.bin;
      // |df| < 2: a tone paired with itself (a repeated note, a tremolo) says little about which
      // recording it is, and its many repeats pile chance votes onto unrelated offsets.
      if (dt < 1 || Math.abs(df) > TARGET_MAX_DF || Math.abs(df) < 2) continue;
      zone.push(target);
    }
    // The loudest targets, not the nearest: added noise puts weak peaks between a copy's
    // real ones, and the nearest would then pair with noise.
    zone.sort((a, b) => b.db - a.db);
    const chosen = zone.slice(0, FAN_OUT).sort((a, b) => a.frame - b.frame || a.bin - b.bin);
    for (const target of chosen) {
      hashes.push(landmarkHash(anchor.bin, target.bin - anchor.bin, target.frame - anchor.frame));
      frames.push(anchor.frame);
      dts.push(target.frame - anchor.frame);
    }
  }
  return { hashes, frames, dts };
}

/** f1 (9 bits) | df + 64 (7 bits) | dt (6 bits). */
export function landmarkHash(f1: number, df: number, dt: number): number {
  return (f1 << 13) | ((df + 64) << 6) | dt;
}

/**
 * How far a cell stands above the mean of its own frequency bin over the peak's time
 * neighbourhood. A steady tone is a flat ridge whose "maximum" is decided by rounding noise
 * and moves with the frame grid; an onset, a decay or a sweep stands out and stays put.
 */
function prominence(spec: Spectrogram, frame: number, bin: number): number {
  const { frames, bins, db } = spec;
  const from = Math.max(0, frame - PEAK_TIME_RADIUS);
  const to = Math.min(frames - 1, frame + PEAK_TIME_RADIUS);
  let sum = 0;
  for (let t = from; t <= to; t++) sum += db[t * bins + bin];
  return db[frame * bins + bin] - sum / (to - from + 1);
}

/** Separable running maximum over the peak neighbourhood (time, then frequency). */
function maxFilter(spec: Spectrogram): Float32Array {
  const { frames, bins, db } = spec;
  const alongTime = new Float32Array(db.length);
  for (let bin = 0; bin < bins; bin++) {
    for (let frame = 0; frame < frames; frame++) {
      let max = -Infinity;
      const from = Math.max(0, frame - PEAK_TIME_RADIUS);
      const to = Math.min(frames - 1, frame + PEAK_TIME_RADIUS);
      for (let t = from; t <= to; t++) {
        const v = db[t * bins + bin];
        if (v > max) max = v;
      }
      alongTime[frame * bins + bin] = max;
    }
  }
  const out = new Float32Array(db.length);
  for (let frame = 0; frame < frames; frame++) {
    const row = frame * bins;
    for (let bin = 0; bin < bins; bin++) {
      let max = -Infinity;
      const from = Math.max(0, bin - PEAK_FREQ_RADIUS);
      const to = Math.min(bins - 1, bin + PEAK_FREQ_RADIUS);
      for (let f = from; f <= to; f++) {
        const v = alongTime[row + f];
        if (v > max) max = v;
      }
      out[row + bin] = max;
    }
  }
  return out;
}
