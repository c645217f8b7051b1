/** The text engine's entry in kinds.ts. Placeholder until the text engine lands on this branch. */
import type { Fingerprint, LibraryIndex } from "../contract.js";
import type { EngineKind } from "../kinds.js";

export const textKind: EngineKind = {
  async fingerprint(): Promise<Fingerprint> {
    throw new Error("The text fingerprint engine is not built yet.");
  },
  createIndex(): LibraryIndex {
    throw new Error("The text fingerprint engine is not built yet.");
  },
};
