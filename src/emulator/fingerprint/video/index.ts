/**
 * The video engine's entry in kinds.ts. The decoder (ffmpeg runs, pHash, the audio track's
 * landmarks) loads only in the worker thread that fingerprints.
 */
import type { Fingerprint, LibraryIndex } from "../contract.js";
import type { EngineKind } from "../kinds.js";
import { VideoLibraryIndex } from "./library-index.js";

export const videoKind: EngineKind = {
  async fingerprint(bytes: Uint8Array): Promise<Fingerprint> {
    const { fingerprintVideo } = await import("./fingerprint.js");
    return fingerprintVideo(bytes);
  },
  createIndex(): LibraryIndex {
    return new VideoLibraryIndex();
  },
};
