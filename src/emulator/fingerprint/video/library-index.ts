/**
 * The stored videos of one library. Pictures: every valid frame hash is filed under its
 * BANDS band values; a query frame's candidates are the stored frames that share a band,
 * kept when within MAX_HAMMING bits, and they vote for a time offset as in the audio
 * engine. Sound: the audio tracks live in an AudioLibraryIndex of their own. An item's
 * similarity is the better of the two; its segments come from the sound when the sound
 * alone recognises the item, from the pictures otherwise.
 */
import { AudioLibraryIndex } from "../audio/library-index.js";
import { PostingIndex, placeItem, placeTime } from "../audio/postings.js";
import { buildSegments } from "../audio/segments.js";
import { VoteCollector } from "../audio/votes.js";
import type { Fingerprint, FingerprintMatch, LibraryIndex, MatchSegment, MediaKind, SearchOptions } from "../contract.js";
import { isVideoFingerprintData, type VideoFingerprintData } from "./data.js";
import { BANDS, MAX_HAMMING } from "./params.js";
import { bandValue, hamming } from "./phash.js";
import { MIN_ALIGNED_FRAMES, videoSimilarity } from "./similarity.js";

/** Audio similarity from which the sound track's segments are used. */
const SOUND_SEGMENTS_FROM = 0.8;
/** Offsets either side of the vote peak tried when refining (frames: 2 s at 4 a second). */
const REFINE_FRAMES = 8;
/** Most-voted items scored in full. */
const MAX_CANDIDATES = 200;
/** Seconds from the overlap's edge within which a segment edge snaps to it (frames are 0.25 s apart). */
const SNAP_SECONDS = 1;

interface StoredVideo {
  key: string;
  number: number;
  length: number;
  data: VideoFingerprintData;
  /** Indices of valid frames, ascending. */
  validFrames: number[];
}

export interface VideoEvidence {
  primaryKey: string;
  /** Picture similarity and the audio track's (0 when either side has no sound). */
  pictureSimilarity: number;
  audioSimilarity: number;
  alignedFrames: number;
  comparableFrames: number;
  similarity: number;
  match: FingerprintMatch;
}

export class VideoLibraryIndex implements LibraryIndex {
  readonly kind: MediaKind = "video";
  private readonly items = new Map<string, StoredVideo>();
  private readonly byNumber = new Map<number, StoredVideo>();
  private readonly bands = new PostingIndex();
  private readonly audio = new AudioLibraryIndex();
  private nextNumber = 0;

  get size(): number {
    return this.items.size;
  }

  add(primaryKey: string, fingerprint: Fingerprint): void {
    const data = videoData(fingerprint);
    this.remove(primaryKey);
    const item: StoredVideo = { key: primaryKey, number: this.nextNumber++, length: fingerprint.summary.length, data, validFrames: [] };
    for (let frame = 0; frame < data.hi.length; frame++) {
      if (!data.valid[frame]) continue;
      item.validFrames.push(frame);
      for (const key of bandKeys(data.hi[frame], data.lo[frame])) this.bands.add(key, item.number, frame);
    }
    if (data.audio) this.audio.add(primaryKey, { summary: { kind: "audio", length: data.audioLength }, data: data.audio });
    this.items.set(primaryKey, item);
    this.byNumber.set(item.number, item);
  }

  remove(primaryKey: string): boolean {
    const item = this.items.get(primaryKey);
    if (!item) return false;
    const keys = item.validFrames.flatMap((frame) => bandKeys(item.data.hi[frame], item.data.lo[frame]));
    this.bands.removeItem(item.number, keys);
    this.audio.remove(primaryKey);
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

  /** Every item aligned by picture or sound, most similar first. */
  evidence(fingerprint: Fingerprint): VideoEvidence[] {
    const query = videoData(fingerprint);
    const queryLength = fingerprint.summary.length;
    const byKey = new Map<string, VideoEvidence>();
    for (const picture of this.pictureEvidence(query, queryLength)) byKey.set(picture.primaryKey, picture);
    if (query.audio && this.audio.size > 0) {
      const sound = this.audio.evidence({ summary: { kind: "audio", length: query.audioLength }, data: query.audio });
      for (const candidate of sound) {
        const entry = byKey.get(candidate.primaryKey) ?? emptyEvidence(candidate.primaryKey);
        entry.audioSimilarity = candidate.similarity;
        entry.similarity = Math.max(entry.pictureSimilarity, candidate.similarity);
        // Sound places a copy more precisely than pictures, which repeat (static shots,
        // loops): its segments win whenever it recognises the item on its own.
        const segments = candidate.similarity >= SOUND_SEGMENTS_FROM || entry.match.segments.length === 0 ? candidate.match.segments : entry.match.segments;
        entry.match = { primaryKey: candidate.primaryKey, similarity: entry.similarity, segments };
        byKey.set(candidate.primaryKey, entry);
      }
    }
    return [...byKey.values()].sort((a, b) => b.similarity - a.similarity);
  }

  private pictureEvidence(query: VideoFingerprintData, queryLength: number): VideoEvidence[] {
    const collector = new VoteCollector();
    const pairs = this.candidatePairs(query);
    for (const [frame, places] of pairs) for (const place of places) collector.add(placeItem(place), placeTime(place) - frame);
    const results: VideoEvidence[] = [];
    for (const peak of collector.bestOffsets(MIN_ALIGNED_FRAMES).slice(0, MAX_CANDIDATES)) {
      const item = this.byNumber.get(peak.item);
      if (!item) continue;
      const offset = refineOffset(query, item.data, peak.offset);
      const matchedFrames = alignedFrames(query, item.data, offset);
      if (matchedFrames.length >= MIN_ALIGNED_FRAMES) results.push(this.score(query, queryLength, item, offset, matchedFrames));
    }
    return results;
  }

  /** Per valid query frame, the stored frames (packed places) within MAX_HAMMING bits. */
  private candidatePairs(query: VideoFingerprintData): Map<number, number[]> {
    const pairs = new Map<number, number[]>();
    for (let frame = 0; frame < query.hi.length; frame++) {
      if (!query.valid[frame]) continue;
      const seen = new Set<number>();
      const close: number[] = [];
      const keys = bandKeys(query.hi[frame], query.lo[frame]);
      for (const key of keys) {
        for (const place of this.bands.get(key) ?? []) {
          if (seen.has(place)) continue;
          seen.add(place);
          const item = this.byNumber.get(placeItem(place));
          const stored = placeTime(place);
          if (item && hamming(query.hi[frame], query.lo[frame], item.data.hi[stored], item.data.lo[stored]) <= MAX_HAMMING) close.push(place);
        }
      }
      if (close.length > 0) pairs.set(frame, close);
    }
    return pairs;
  }

  private score(query: VideoFingerprintData, queryLength: number, item: StoredVideo, offset: number, matchedFrames: number[]): VideoEvidence {
    const step = 1 / query.frameRate;
    const queryValid = query.valid.flatMap((v, frame) => (v ? [frame] : []));
    const itemFrames = item.data.hi.length;
    const queryInside = queryValid.filter((frame) => frame + offset >= 0 && frame + offset < itemFrames).length;
    const first = queryValid[0] ?? 0;
    const last = queryValid[queryValid.length - 1] ?? 0;
    const itemInside = item.validFrames.filter((frame) => frame >= first + offset && frame <= last + offset).length;
    const comparable = Math.max(1, Math.min(queryInside, itemInside));
    const similarity = videoSimilarity(matchedFrames.length, comparable);
    const segments = buildSegments(
      matchedFrames.map((frame) => ({ start: frame * step, end: (frame + 1) * step })),
      { maxGap: 2, minSpans: MIN_ALIGNED_FRAMES, offset: offset * step, queryLength, itemLength: item.length },
    );
    snapToOverlap(segments, offset * step, queryLength, item.length);
    return {
      primaryKey: item.key,
      pictureSimilarity: similarity,
      audioSimilarity: 0,
      alignedFrames: matchedFrames.length,
      comparableFrames: comparable,
      similarity,
      match: { primaryKey: item.key, similarity, segments },
    };
  }
}

/**
 * Slowly changing pictures (a zoom, a still) match at many neighbouring offsets, and the
 * vote peak can sit a second or more off. Among offsets near it, the one where the query's
 * frames are closest to the item's (mean Hamming distance, frames beyond MAX_HAMMING count
 * as MAX_HAMMING + 1) is the alignment.
 */
function refineOffset(query: VideoFingerprintData, item: VideoFingerprintData, coarse: number): number {
  let best = coarse;
  let bestCost = Infinity;
  for (let offset = coarse - REFINE_FRAMES; offset <= coarse + REFINE_FRAMES; offset++) {
    let cost = 0;
    let compared = 0;
    for (let frame = 0; frame < query.hi.length; frame++) {
      const stored = frame + offset;
      if (!query.valid[frame] || stored < 0 || stored >= item.hi.length || !item.valid[stored]) continue;
      cost += Math.min(MAX_HAMMING + 1, hamming(query.hi[frame], query.lo[frame], item.hi[stored], item.lo[stored]));
      compared++;
    }
    // Few compared frames (an offset hanging off the item's end) must not win by luck.
    if (compared < MIN_ALIGNED_FRAMES) continue;
    const mean = cost / compared;
    if (mean < bestCost - 1e-9 || (Math.abs(mean - bestCost) < 1e-9 && Math.abs(offset - coarse) < Math.abs(best - coarse))) {
      bestCost = mean;
      best = offset;
    }
  }
  return best;
}

/** Query frames whose hash is within MAX_HAMMING of the item's frame at `offset`. */
function alignedFrames(query: VideoFingerprintData, item: VideoFingerprintData, offset: number): number[] {
  const frames: number[] = [];
  for (let frame = 0; frame < query.hi.length; frame++) {
    const stored = frame + offset;
    if (!query.valid[frame] || stored < 0 || stored >= item.hi.length || !item.valid[stored]) continue;
    if (hamming(query.hi[frame], query.lo[frame], item.hi[stored], item.lo[stored]) <= MAX_HAMMING) frames.push(frame);
  }
  return frames;
}

/** Segment edges within SNAP_SECONDS of where query and item stop overlapping move there. */
function snapToOverlap(segments: MatchSegment[], offset: number, queryLength: number, itemLength: number): void {
  const lowest = Math.max(0, -offset);
  const highest = Math.min(queryLength, itemLength - offset);
  for (const segment of segments) {
    if (segment.inputStart - lowest <= SNAP_SECONDS) segment.inputStart = lowest;
    if (highest - segment.inputEnd <= SNAP_SECONDS) segment.inputEnd = highest;
    segment.inputStart = round(segment.inputStart);
    segment.inputEnd = round(segment.inputEnd);
    segment.matchStart = round(segment.inputStart + offset);
    segment.matchEnd = round(segment.inputEnd + offset);
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function emptyEvidence(primaryKey: string): VideoEvidence {
  return {
    primaryKey,
    pictureSimilarity: 0,
    audioSimilarity: 0,
    alignedFrames: 0,
    comparableFrames: 0,
    similarity: 0,
    match: { primaryKey, similarity: 0, segments: [] },
  };
}

function bandKeys(hi: number, lo: number): number[] {
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band++) keys.push(band * 2 ** (64 / BANDS) + bandValue(hi, lo, band, BANDS));
  return keys;
}

function videoData(fingerprint: Fingerprint): VideoFingerprintData {
  if (fingerprint.summary.kind !== "video" || !isVideoFingerprintData(fingerprint.data)) {
    throw new TypeError(`not a video fingerprint of this engine version (kind ${fingerprint.summary.kind})`);
  }
  return fingerprint.data;
}
