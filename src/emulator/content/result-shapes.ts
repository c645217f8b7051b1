/**
 * The search results on the wire. Every number is a decimal string, as in the services'
 * models: seconds for audio/video ("12.0"), characters for text ("12"), similarity 0..1.
 *
 * ICE: the document behind DNAResult. Video uses VOD's documented `VideoDNA` shape; audio,
 * image and text use the same shape under `AudioDNA`, `ImageDNA` and `TextDNA` (an emulator
 * choice: no source shows those files). Image matches have an empty Detail; text Detail
 * items also quote InputText and DuplicationText.
 *
 * MPS: the inline FpShotResult with its XML-style wrappers: video and image under FpShots,
 * audio under AudioFpShots, text under TextFpShots.
 */
import type { MediaKind } from "../fingerprint/contract.js";
import type { Hit } from "./model.js";

/** A decimal with at least one fractional digit and at most `digits`: 2 -> "2.0", 0.98765 -> "0.988". */
export function decimal(x: number, digits = 3): string {
  const s = String(Math.round(x * 10 ** digits) / 10 ** digits);
  return s.includes(".") ? s : `${s}.0`;
}

function span(kind: MediaKind, start: number, end: number) {
  const f = kind === "text" ? (x: number) => String(Math.round(x)) : (x: number) => decimal(x);
  return { Start: f(start), Duration: f(Math.max(0, end - start)) };
}

export const ICE_RESULT_KEYS: Readonly<Record<MediaKind, string>> = { video: "VideoDNA", audio: "AudioDNA", image: "ImageDNA", text: "TextDNA" };

export function iceDnaDocument(kind: MediaKind, hits: Hit[]): Record<string, unknown> {
  return {
    [ICE_RESULT_KEYS[kind]]: hits.map((h) => ({
      PrimaryKey: h.primaryKey,
      Similarity: decimal(h.similarity, 4),
      Detail: h.segments.map((s) => ({
        Input: span(kind, s.inputStart, s.inputEnd),
        Duplication: span(kind, s.matchStart, s.matchEnd),
        ...(kind === "text" ? { InputText: s.inputText ?? "", DuplicationText: s.duplicationText ?? "" } : {}),
      })),
    })),
  };
}

export function mpsFpShotResult(kind: MediaKind, hits: Hit[]): Record<string, unknown> {
  if (kind === "text") {
    return {
      TextFpShots: {
        TextFpShot: hits.map((h) => ({
          PrimaryKey: h.primaryKey,
          Similarity: decimal(h.similarity, 4),
          TextFpShotSlices: {
            TextFpShotSlice: h.segments.map((s) => ({
              Similarity: decimal(h.similarity, 4),
              InputFragment: span(kind, s.inputStart, s.inputEnd),
              // Not in the SDK (it has only DuplicationText): where the copy is in the stored
              // text, so a client can show it. docs/emulator.md lists this choice.
              DuplicationFragment: span(kind, s.matchStart, s.matchEnd),
              InputText: s.inputText ?? "",
              DuplicationText: s.duplicationText ?? "",
            })),
          },
        })),
      },
    };
  }
  const shots = {
    FpShot: hits.map((h) => ({
      PrimaryKey: h.primaryKey,
      Similarity: decimal(h.similarity, 4),
      FpShotSlices: {
        FpShotSlice: h.segments.map((s) => ({
          Similarity: decimal(h.similarity, 4),
          Input: span(kind, s.inputStart, s.inputEnd),
          Duplication: span(kind, s.matchStart, s.matchEnd),
        })),
      },
    })),
  };
  return kind === "audio" ? { AudioFpShots: shots } : { FpShots: shots };
}
