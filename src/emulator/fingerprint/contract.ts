/**
 * The contract between the emulator's content operations (SubmitDNAJob, SubmitFpShotJob, ...)
 * and its fingerprint engines. The content operations know jobs, SaveTypes and wire shapes;
 * the engines know media. Nothing here knows ICE or MPS.
 *
 * Flow of one job: read the object's bytes from the OSS stand-in -> `engine.fingerprint(kind,
 * bytes)` (decoding and hashing run in worker threads, off the event loop) -> depending on the
 * SaveType, `index.search(...)` and/or `index.add(...)` on the library's index.
 *
 * Units: seconds for audio and video, characters (UTF-16 code units of the original,
 * un-normalized input) for text, and no segments for images.
 */

export type MediaKind = "video" | "audio" | "image" | "text";

/** What a fingerprint knows of its media, beside the opaque hashes. */
export interface MediaSummary {
  kind: MediaKind;
  /** Seconds for audio/video, characters for text, 0 for images. Drives the emulated job time. */
  length: number;
}

/**
 * A computed fingerprint. Opaque to the content operations: only the engine that made it
 * reads `data`. It must survive structured clone (it crosses worker threads) and JSON
 * (the emulator's snapshot), so `data` holds plain arrays, numbers and strings only.
 */
export interface Fingerprint {
  summary: MediaSummary;
  data: unknown;
}

/** Where the copy is. input* in the searched media, match* in the stored item. */
export interface MatchSegment {
  inputStart: number;
  inputEnd: number;
  matchStart: number;
  matchEnd: number;
}

export interface FingerprintMatch {
  /** The stored item's primary key. */
  primaryKey: string;
  /** 0..1, 1 for an identical copy. */
  similarity: number;
  /** Longest first; empty for images. */
  segments: MatchSegment[];
}

export interface SearchOptions {
  /** Matches below this similarity are not returned. 0..1. */
  threshold: number;
  /** At most this many matches, most similar first. Default 50. */
  limit?: number;
}

/** The stored items of one library, indexed so a search does not compare against every item. */
export interface LibraryIndex {
  readonly kind: MediaKind;
  readonly size: number;
  /** Most similar first. Never returns an item below options.threshold. */
  search(fingerprint: Fingerprint, options: SearchOptions): FingerprintMatch[];
  /** Stores (or replaces) the item under primaryKey. */
  add(primaryKey: string, fingerprint: Fingerprint): void;
  /** True when the key was stored. */
  remove(primaryKey: string): boolean;
  has(primaryKey: string): boolean;
  keys(): IterableIterator<string>;
}

/** Thrown (rejected) by FingerprintEngine.fingerprint when the bytes are not media of that kind. */
export class MediaDecodeError extends Error {
  override name = "MediaDecodeError";
  constructor(
    message: string,
    readonly kind: MediaKind,
  ) {
    super(message);
  }
}

export interface FingerprintEngine {
  /** Decodes and fingerprints in a worker thread. Rejects with MediaDecodeError on undecodable bytes. */
  fingerprint(kind: MediaKind, bytes: Uint8Array): Promise<Fingerprint>;
  /** An empty index for one library of that kind. */
  createIndex(kind: MediaKind): LibraryIndex;
  /** Ends the worker threads. */
  close(): Promise<void>;
}
