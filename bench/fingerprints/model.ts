/**
 * What a media kind brings to the fingerprint bench (bench/fingerprints.ts owns the runner).
 * A kind's module (text.ts, image.ts, audio.ts, video.ts here) exports one or more BenchModels;
 * models.ts lists them. Everything is generated from a seed: nothing is downloaded.
 */
import type { MatchSegment, MediaKind } from "../../src/emulator/fingerprint/contract.js";

/** Deterministic random source: same seed, same sequence. */
export type Rng = () => number;

export interface BenchItem {
  /** The primary key it is stored under. */
  key: string;
  bytes: Uint8Array;
  /** In the model's unit: seconds (audio/video), characters (text), 1 per image. */
  length: number;
  /** Whatever the model's transforms need to know of the original (e.g. the text itself). */
  source?: unknown;
}

export interface BenchCopy {
  bytes: Uint8Array;
  /**
   * Where the copy is, in units: input* in the copy, match* in the original. The runner
   * compares the engine's segments with these. Omit (or leave empty) for images.
   */
  truth?: MatchSegment[];
}

export interface BenchTransform {
  /** Short, e.g. "edit 5% + sentence", "jpeg q60". */
  name: string;
  apply(item: BenchItem, rng: Rng): Promise<BenchCopy>;
}

export interface BenchModel {
  /** Short and unique, e.g. "text-en", "image". */
  name: string;
  kind: MediaKind;
  /** Unit of BenchItem.length for the throughput column, e.g. "chars", "images", "seconds". */
  unit: string;
  /** Items in the library (the bench default is 1,000; slow kinds may choose fewer). */
  librarySize?: number;
  /** Builds `count` distinct items from `seed`, keys prefixed with `prefix`. */
  corpus(count: number, seed: number, prefix: string): Promise<BenchItem[]>;
  transforms: BenchTransform[];
}
