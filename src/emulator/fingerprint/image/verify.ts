/**
 * Verification of a candidate: how well the two pictures agree where they overlap.
 *
 * One picture may be a crop of the other. Starting from the region the best-matching pHash
 * pair points at, a pattern search moves and resizes the region ([x, y, width, height] as
 * fractions of the larger picture, each side 75%..100%) to maximize the NCC between that
 * region of one picture and the whole of the other, both as plane-removed 16x16 thumbnails.
 * The stored crops sit 5% apart; the search closes the remaining gap, so a 10% crop at any
 * offset verifies nearly as well as an uncropped copy.
 */
import { DETAIL } from "./fingerprint.js";
import { sampleRegion, summedArea } from "./region.js";
import { THUMB, correlation, normalize } from "./thumbnail.js";

export type Box = [number, number, number, number];

export interface PreparedPicture {
  table: Float64Array;
  whole: Float32Array;
}

const MIN_SIDE = 0.75;
const REFINE_FROM = 0.5;
/** Already a copy beyond doubt: refining would not change the verdict, only cost time. */
export const GOOD_ENOUGH = 0.985;
const COARSE = 0.025;
const FIRST_STEP = 0.0125;
const LAST_STEP = 0.005;

export function preparePicture(detail: ArrayLike<number>): PreparedPicture {
  const table = summedArea(detail, DETAIL);
  return { table, whole: normalize(sampleRegion(table, DETAIL, 0, 0, DETAIL, DETAIL, THUMB)) };
}

function regionNcc(cut: PreparedPicture, [x, y, w, h]: Box, whole: PreparedPicture): number {
  return correlation(normalize(sampleRegion(cut.table, DETAIL, x * DETAIL, y * DETAIL, w * DETAIL, h * DETAIL, THUMB)), whole.whole);
}

function valid([x, y, w, h]: Box): boolean {
  return x >= 0 && y >= 0 && w >= MIN_SIDE && h >= MIN_SIDE && x + w <= 1 + 1e-9 && y + h <= 1 + 1e-9;
}

/** Best NCC of a region of `cut` (searched around `start`) against the whole of `whole`. */
export function bestOverlap(cut: PreparedPicture, whole: PreparedPicture, start: Box): number {
  // A coarse look around the start first (half the spacing of the stored crops), so the
  // pattern search starts on the right slope.
  let box: Box = [...start];
  let best = regionNcc(cut, box, whole);
  // Copies line up with some stored region well enough to start above this (measured on 150
  // pictures: 10% crops >= 0.71 at the nearest stored crop, other copies >= 0.95); most
  // look-alikes start below it and need no refinement to be told apart.
  if (best < REFINE_FROM || best >= GOOD_ENOUGH) return best;
  for (const dx of [-COARSE, 0, COARSE]) {
    for (const dy of [-COARSE, 0, COARSE]) {
      const next: Box = [start[0] + dx, start[1] + dy, start[2], start[3]];
      if ((dx === 0 && dy === 0) || !valid(next)) continue;
      const score = regionNcc(cut, next, whole);
      if (score > best) {
        best = score;
        box = next;
      }
    }
  }
  for (let step = FIRST_STEP; step >= LAST_STEP; ) {
    let moved = false;
    for (let dim = 0; dim < 4; dim++) {
      for (const sign of [-1, 1]) {
        const next: Box = [...box];
        next[dim] += sign * step;
        if (!valid(next)) continue;
        const score = regionNcc(cut, next, whole);
        if (score > best + 1e-6) {
          best = score;
          box = next;
          moved = true;
        }
      }
    }
    if (!moved) step /= 2;
  }
  return best;
}
