/** The image engine's entry in kinds.ts. */
import type { EngineKind } from "../kinds.js";
import { ImageIndex } from "./image-index.js";

export const imageKind: EngineKind = {
  // The decoder (sharp) loads only in the worker threads that fingerprint.
  fingerprint: async (bytes) => (await import("./fingerprint.js")).fingerprintImage(bytes),
  createIndex: () => new ImageIndex(),
  preloadInMainThread: () => import("sharp"),
};
