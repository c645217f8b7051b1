/** Scoring helpers shared by the bench runner and the unit tests. */
import type { MatchSegment } from "../../src/emulator/fingerprint/contract.js";

type Range = [number, number];

function union(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const total = (ranges: Range[]) => ranges.reduce((sum, [a, b]) => sum + b - a, 0);

function intersection(a: Range[], b: Range[]): number {
  let sum = 0;
  for (const [a0, a1] of a) for (const [b0, b1] of b) sum += Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  return sum;
}

/** |found Δ truth| / |truth| on one side, over the union of the ranges. */
function sideError(found: Range[], truth: Range[]): number {
  const f = union(found);
  const t = union(truth);
  const truthLength = total(t);
  if (truthLength === 0) return total(f) === 0 ? 0 : 1;
  return (total(f) + truthLength - 2 * intersection(f, t)) / truthLength;
}

/**
 * How far found segments are from the true ones: the characters (or seconds) wrongly in or
 * wrongly out, as a share of the true length, on the worse of the two sides (input, match).
 */
export function segmentError(found: MatchSegment[], truth: MatchSegment[]): number {
  return Math.max(
    sideError(found.map((s) => [s.inputStart, s.inputEnd]), truth.map((s) => [s.inputStart, s.inputEnd])),
    sideError(found.map((s) => [s.matchStart, s.matchEnd]), truth.map((s) => [s.matchStart, s.matchEnd])),
  );
}
