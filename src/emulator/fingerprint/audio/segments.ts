/**
 * Turns the matched time spans of one aligned item into segments: spans closer than
 * `maxGap` join, clusters with too little evidence are dropped, longest first.
 */
import type { MatchSegment } from "../contract.js";

export interface Span {
  /** Query time span of one matched key, in seconds. */
  start: number;
  end: number;
}

export interface SegmentRules {
  /** Seconds of silence in the evidence that split a segment. */
  maxGap: number;
  /** Matched keys a segment needs. */
  minSpans: number;
  /** Stored time = query time + offset (seconds). */
  offset: number;
  queryLength: number;
  itemLength: number;
}

export function buildSegments(spans: Span[], rules: SegmentRules): MatchSegment[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const clusters: { start: number; end: number; count: number }[] = [];
  for (const span of sorted) {
    const last = clusters[clusters.length - 1];
    if (last && span.start - last.end <= rules.maxGap) {
      last.end = Math.max(last.end, span.end);
      last.count++;
    } else clusters.push({ start: span.start, end: span.end, count: 1 });
  }
  return clusters
    .filter((cluster) => cluster.count >= rules.minSpans)
    .map((cluster) => {
      // Clamp to both media: the item's span must lie inside the item, the query's inside the query.
      const inputStart = clamp(cluster.start, Math.max(0, -rules.offset), rules.queryLength);
      const inputEnd = clamp(cluster.end, inputStart, Math.min(rules.queryLength, rules.itemLength - rules.offset));
      return {
        inputStart: round(inputStart),
        inputEnd: round(inputEnd),
        matchStart: round(inputStart + rules.offset),
        matchEnd: round(inputEnd + rules.offset),
      };
    })
    .sort((a, b) => b.inputEnd - b.inputStart - (a.inputEnd - a.inputStart));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

/** Milliseconds are more than the emulator's answers need. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
