/**
 * A text fingerprint: the token places in the original text, every shingle hash, and which
 * shingles winnowing kept. Plain arrays, so it survives structured clone and JSON.
 */
import type { Fingerprint } from "../contract.js";
import { decodeText } from "./decode.js";
import { SHINGLE_TOKENS, WINNOW_WINDOW, shingleHashes, winnow } from "./shingles.js";
import { tokenize } from "./tokens.js";

export interface TextFingerprintData {
  /** Format version. */
  v: 1;
  /** Tokens per shingle (fewer when the text has fewer tokens than SHINGLE_TOKENS). */
  k: number;
  /** 32-bit hash of each normalized token. */
  tokens: number[];
  tokenStarts: number[];
  tokenEnds: number[];
  /** shingles[i] covers tokens i .. i + k - 1. */
  shingles: number[];
  /** Ascending indexes into shingles. */
  winnowed: number[];
}

export function textFingerprintOf(text: string): Fingerprint {
  const tokens = tokenize(text);
  const shingles = shingleHashes(tokens.hashes, SHINGLE_TOKENS);
  const data: TextFingerprintData = {
    v: 1,
    k: Math.min(SHINGLE_TOKENS, tokens.hashes.length),
    tokens: tokens.hashes,
    tokenStarts: tokens.starts,
    tokenEnds: tokens.ends,
    shingles,
    winnowed: winnow(shingles, WINNOW_WINDOW),
  };
  return { summary: { kind: "text", length: text.length }, data };
}

export async function fingerprintText(bytes: Uint8Array): Promise<Fingerprint> {
  return textFingerprintOf(decodeText(bytes));
}
