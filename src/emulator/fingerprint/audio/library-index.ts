/**
 * The stored audio items of one library: landmark hash -> (item, anchor frame) postings, and
 * a search that votes for time offsets, then scores and locates the best-aligned items.
 */
import type { Fingerprint, FingerprintMatch, LibraryIndex, MatchSegment, MediaKind, SearchOptions } from "../contract.js";
import { type AudioFingerprintData, isAudioFingerprintData } from "./data.js";
import { FFT_SIZE, SAMPLE_RATE, TARGET_MAX_DT } from "./params.js";
import { PostingIndex, placeItem, placeTime } from "./postings.js";
import { buildSegments } from "./segments.js";
import { audioSimilarity, MIN_ALIGNED_VOTES } from "./similarity.js";
import { type OffsetPeak, VoteCollector } from "./votes.js";

/** The seconds of audio one analysis frame spans, added after the last matched target peak. */
const WINDOW_SECONDS = FFT_SIZE / SAMPLE_RATE;
/** Most-voted items scored in full; more than any sane `limit`. */
const MAX_CANDIDATES = 200;

interface StoredItem {
  key: string;
  number: number;
  length: number;
  /** Anchor frames, ascending (for counting hashes inside a time range). */
  frames: number[];
  hashes: number[];
}

/** One aligned candidate with the raw evidence its similarity comes from. */
export interface AudioEvidence {
  primaryKey: string;
  /** Stored frame - query frame. */
  offsetFrames: number;
  /** Query hashes found in the item at that offset (+-1 frame). */
  aligned: number;
  /** The most votes at any other offset. */
  runnerUp: number;
  /** Hashes either side could have matched: the smaller count inside the overlap. */
  comparable: number;
  similarity: number;
  match: FingerprintMatch;
}

export class AudioLibraryIndex implements LibraryIndex {
  readonly kind: MediaKind = "audio";
  private readonly items = new Map<string, StoredItem>();
  private readonly byNumber = new Map<number, StoredItem>();
  private readonly postings = new PostingIndex();
  private nextNumber = 0;

  get size(): number {
    return this.items.size;
  }

  /** Postings held, for the bench's memory figures. */
  get postingCount(): number {
    return this.postings.postings;
  }

  add(primaryKey: string, fingerprint: Fingerprint): void {
    const data = audioData(fingerprint);
    this.remove(primaryKey);
    const item: StoredItem = {
      key: primaryKey,
      number: this.nextNumber++,
      length: fingerprint.summary.length,
      frames: data.frames,
      hashes: data.hashes,
    };
    for (let i = 0; i < data.hashes.length; i++) this.postings.add(data.hashes[i], item.number, data.frames[i]);
    this.items.set(primaryKey, item);
    this.byNumber.set(item.number, item);
  }

  remove(primaryKey: string): boolean {
    const item = this.items.get(primaryKey);
    if (!item) return false;
    this.postings.removeItem(item.number, item.hashes);
    this.items.delete(primaryKey);
    this.byNumber.delete(item.number);
    return true;
  }

  has(primaryKey: string): boolean {
    return this.items.has(primaryKey);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  search(fingerprint: Fingerprint, options: SearchOptions): FingerprintMatch[] {
    return this.evidence(fingerprint)
      .filter((candidate) => candidate.similarity >= options.threshold)
      .slice(0, options.limit ?? 50)
      .map((candidate) => candidate.match);
  }

  /** Every item with an aligned offset, most similar first, with the numbers behind the score. */
  evidence(fingerprint: Fingerprint): AudioEvidence[] {
    const query = audioData(fingerprint);
    const collector = new VoteCollector();
    for (let i = 0; i < query.hashes.length; i++) {
      const frame = query.frames[i];
      for (const places of this.lookups(query.hashes[i])) {
        for (const place of places) collector.add(placeItem(place), placeTime(place) - frame);
      }
    }
    const peaks = collector.bestOffsets(MIN_ALIGNED_VOTES).slice(0, MAX_CANDIDATES);
    const aligned = this.alignedHashes(query, new Map(peaks.map((peak) => [peak.item, peak.offset])));
    const results: AudioEvidence[] = [];
    for (const peak of peaks) {
      const item = this.byNumber.get(peak.item);
      const matched = aligned.get(peak.item);
      if (!item || !matched) continue;
      results.push(this.score(query, fingerprint.summary.length, item, peak, matched));
    }
    return results.sort((a, b) => b.similarity - a.similarity || b.aligned - a.aligned);
  }

  /** Per candidate item, the query hashes (indices) that occur in it at its best offset +-1. */
  private alignedHashes(query: AudioFingerprintData, offsets: Map<number, number>): Map<number, Set<number>> {
    const matched = new Map<number, Set<number>>();
    for (let i = 0; i < query.hashes.length; i++) {
      for (const places of this.lookups(query.hashes[i])) for (const place of places) {
        const item = placeItem(place);
        const offset = offsets.get(item);
        if (offset === undefined || Math.abs(placeTime(place) - query.frames[i] - offset) > 1) continue;
        let set = matched.get(item);
        if (!set) matched.set(item, (set = new Set()));
        set.add(i);
      }
    }
    return matched;
  }

  /**
   * Posting lists of a query hash and of its neighbours one frame shorter and longer: the
   * copy's frame grid starts wherever the copy was cut, so a pair's dt is off by one about
   * as often as not.
   */
  private *lookups(hash: number): Generator<readonly number[]> {
    const dt = hash & 63;
    for (const variant of [hash, dt > 1 ? hash - 1 : -1, dt < 63 ? hash + 1 : -1]) {
      const places = variant >= 0 ? this.postings.get(variant) : undefined;
      if (places) yield places;
    }
  }

  private score(query: AudioFingerprintData, queryLength: number, item: StoredItem, peak: OffsetPeak, matched: Set<number>): AudioEvidence {
    const offset = peak.offset;
    const frameSeconds = query.frameSeconds;
    const itemLastFrame = Math.round(item.length / frameSeconds);
    const queryFirst = query.frames[0] ?? 0;
    const queryLast = query.frames[query.frames.length - 1] ?? 0;
    // Hashes that could have matched: the query's inside the item's time range, the item's inside the query's.
    const queryInside = countInRange(query.frames, -offset, itemLastFrame - offset);
    const itemInside = countInRange(item.frames, queryFirst + offset, queryLast + offset);
    const comparable = Math.max(1, Math.min(queryInside, itemInside));
    const spans = [...matched].map((i) => ({
      start: query.frames[i] * frameSeconds,
      end: (query.frames[i] + query.dts[i]) * frameSeconds + WINDOW_SECONDS,
    }));
    const segments = buildSegments(spans, {
      maxGap: 2,
      minSpans: MIN_ALIGNED_VOTES,
      offset: offset * frameSeconds,
      queryLength,
      itemLength: item.length,
    });
    extendThroughSilence(segments, query, matched, offset * frameSeconds, queryLength, item.length);
    // Votes beyond chance's level for this item: periodic sound (a tremolo, a loop) aligns
    // by chance at many offsets at once, a copy at one.
    const beyondChance = matched.size * Math.max(0, 1 - peak.runnerUp / peak.votes);
    const overlap = Math.min(queryLength, item.length - offset * frameSeconds) - Math.max(0, -offset * frameSeconds);
    const covered = segments.reduce((sum, segment) => sum + segment.inputEnd - segment.inputStart, 0);
    const similarity = audioSimilarity(beyondChance, comparable, overlap > 0 ? covered / overlap : 0);
    return {
      primaryKey: item.key,
      offsetFrames: offset,
      aligned: matched.size,
      runnerUp: peak.runnerUp,
      comparable,
      similarity,
      match: { primaryKey: item.key, similarity, segments },
    };
  }
}

/**
 * A segment's first and last matched landmarks sit where the surviving sound starts, not
 * where the copy does: a copy that opens on a rest has no landmarks there, and a noisy copy
 * keeps only some of them. Each edge moves outwards to the edge of the overlap of query and
 * item when that is at most SNAP_SECONDS away (segments already bridge gaps in the evidence
 * that long); otherwise through silence only (however long: silence in the query holds no
 * evidence either way), up to the nearest query landmark that
 * did not match.
 */
function extendThroughSilence(
  segments: MatchSegment[],
  query: AudioFingerprintData,
  matched: Set<number>,
  offset: number,
  queryLength: number,
  itemLength: number,
): void {
  const lowest = Math.max(0, -offset);
  const highest = Math.min(queryLength, itemLength - offset);
  // A landmark within one target zone of where query or item ends was paired with other
  // targets than in the original (the louder ones lay past the cut): its mismatch is no
  // evidence against the copy.
  const reliableUntil = highest - TARGET_MAX_DT * query.frameSeconds;
  const unmatchedTimes = query.frames
    .filter((_, i) => !matched.has(i))
    .map((frame) => frame * query.frameSeconds)
    .filter((t) => t < reliableUntil);
  for (const segment of segments) {
    const before = unmatchedTimes.filter((t) => t < segment.inputStart).pop() ?? -Infinity;
    const after = unmatchedTimes.find((t) => t > segment.inputEnd) ?? Infinity;
    const start =
      segment.inputStart - lowest <= SNAP_SECONDS ? lowest : Math.max(lowest, before + query.frameSeconds);
    const end = highest - segment.inputEnd <= SNAP_SECONDS ? highest : Math.min(highest, after);
    segment.inputStart = round(Math.min(segment.inputStart, start));
    segment.inputEnd = round(Math.max(segment.inputEnd, end));
  }
  // Segments split by a gap in the evidence that turned out to be silence are one segment.
  segments.sort((a, b) => a.inputStart - b.inputStart);
  for (let i = segments.length - 1; i > 0; i--) {
    if (segments[i].inputStart - segments[i - 1].inputEnd <= MERGE_GAP_SECONDS) {
      segments[i - 1].inputEnd = Math.max(segments[i - 1].inputEnd, segments[i].inputEnd);
      segments.splice(i, 1);
    }
  }
  for (const segment of segments) {
    segment.matchStart = round(segment.inputStart + offset);
    segment.matchEnd = round(segment.inputEnd + offset);
  }
  segments.sort((a, b) => b.inputEnd - b.inputStart - (a.inputEnd - a.inputStart));
}

/** Segments this close (seconds) after extension merge. */
const MERGE_GAP_SECONDS = 0.5;
/** Seconds from the overlap's edge within which a segment edge snaps to it. */
const SNAP_SECONDS = 2;

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function audioData(fingerprint: Fingerprint): AudioFingerprintData {
  if (fingerprint.summary.kind !== "audio" || !isAudioFingerprintData(fingerprint.data)) {
    throw new TypeError(`not an audio fingerprint of this engine version (kind ${fingerprint.summary.kind})`);
  }
  return fingerprint.data;
}

/** How many of the ascending `values` lie in [from, to]. */
export function countInRange(values: readonly number[], from: number, to: number): number {
  return lowerBound(values, to + 1) - lowerBound(values, from);
}

function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
