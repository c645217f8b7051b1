/** The text engine's entry in kinds.ts. */
import type { EngineKind } from "../kinds.js";
import { fingerprintText } from "./fingerprint.js";
import { TextIndex } from "./text-index.js";

export const textKind: EngineKind = {
  fingerprint: fingerprintText,
  createIndex: () => new TextIndex(),
};
