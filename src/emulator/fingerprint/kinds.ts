/**
 * The per-kind registry: what the engine knows of each media kind. One entry per kind; a kind
 * whose entry is `undefined` rejects with a clear error (see `engineKind`).
 *
 * Both halves of an entry are loaded in both threads, so keep the module that defines an
 * entry light: `fingerprint` should `await import(...)` its decoder (sharp, ffmpeg wrappers)
 * so the main thread, which only builds indexes, never loads it. `fingerprint` runs in a
 * worker thread; `createIndex` runs in the caller's thread (indexes are plain in-memory maps
 * owned by the emulator's libraries).
 *
 * To plug in a kind: add its import and replace its `undefined` below. Nothing else changes.
 */
import type { Fingerprint, LibraryIndex, MediaKind } from "./contract.js";
import { audioKind } from "./audio/index.js";
import { imageKind } from "./image/index.js";
import { textKind } from "./text/index.js";
import { videoKind } from "./video/index.js";

export interface EngineKind {
  /** Decodes and hashes. Runs in a worker thread. Rejects with MediaDecodeError on bytes that are not this kind. */
  fingerprint(bytes: Uint8Array): Promise<Fingerprint>;
  /** An empty index for one library. Runs in the caller's thread. */
  createIndex(): LibraryIndex;
  /**
   * Loaded in the main thread before the first worker starts. sharp (libvips) asks for this on
   * glibc Linux: its shared libraries must outlive every worker that loaded them, or the
   * process can crash when a worker exits.
   */
  preloadInMainThread?(): Promise<unknown>;
}

const kinds: Record<MediaKind, EngineKind | undefined> = {
  text: textKind,
  image: imageKind,
  audio: audioKind,
  video: videoKind,
};

export class UnsupportedKindError extends Error {
  override name = "UnsupportedKindError";
}

export function engineKind(kind: MediaKind): EngineKind {
  const entry = Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (!entry) {
    throw new UnsupportedKindError(`The emulator has no ${String(kind)} fingerprint engine yet (src/emulator/fingerprint/kinds.ts has no entry for "${String(kind)}").`);
  }
  return entry;
}

export function registeredKinds(): MediaKind[] {
  return (Object.keys(kinds) as MediaKind[]).filter((kind) => kinds[kind] !== undefined);
}
