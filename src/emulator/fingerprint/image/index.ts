/** The image engine's entry in kinds.ts. Placeholder until the image engine lands on this branch. */
import type { Fingerprint, LibraryIndex } from "../contract.js";
import type { EngineKind } from "../kinds.js";

export const imageKind: EngineKind = {
  async fingerprint(): Promise<Fingerprint> {
    throw new Error("The image fingerprint engine is not built yet.");
  },
  createIndex(): LibraryIndex {
    throw new Error("The image fingerprint engine is not built yet.");
  },
};
