/**
 * The audio engine's entry in kinds.ts. The decoder (WAV reader, ffmpeg runner, STFT) loads
 * only in the worker thread that fingerprints; the main thread loads the index alone.
 */
import type { Fingerprint, LibraryIndex } from "../contract.js";
import type { EngineKind } from "../kinds.js";
import { AudioLibraryIndex } from "./library-index.js";

export const audioKind: EngineKind = {
  async fingerprint(bytes: Uint8Array): Promise<Fingerprint> {
    const { fingerprintAudio } = await import("./fingerprint.js");
    return fingerprintAudio(bytes);
  },
  createIndex(): LibraryIndex {
    return new AudioLibraryIndex();
  },
};
