/**
 * Reads both services' search results into FingerprintMatch lists.
 *
 * - MPS answers inline, in QueryFpShotJobList's `FpShotResult`: `FpShots` (video, and by
 *   inference images), `AudioFpShots`, `TextFpShots`, each an XML-style wrapper
 *   (`{FpShot: [...]}`) with every number as a string.
 * - ICE answers with a URL (`DNAResult`) to a document whose format no source documents.
 *   The one documented sibling is VOD's `{"VideoDNA":[{PrimaryKey,Similarity,Detail:[...]}]}`;
 *   `AudioDNA`/`ImageDNA`/`TextDNA` are read the same way, and an MPS-shaped document is read
 *   as MPS's. Both shapes are accepted because the real file has not been seen.
 *
 * Anything malformed is skipped item by item rather than failing the job: a result is the
 * product, and one bad slice must not hide the other matches. Numbers that are not finite
 * are treated as missing.
 */
import type { FingerprintMatch, MatchSegment } from "../domain/job.js";

type Json = Record<string, unknown>;

export function matchesFromMpsResult(result: unknown): FingerprintMatch[] {
  if (!isObject(result)) return [];
  return [
    ...listOf(result.FpShots, "FpShot").flatMap((shot) => mediaMatch(shot, "FpShotSlices", "FpShotSlice")),
    ...listOf(result.AudioFpShots, "FpShot").flatMap((shot) => mediaMatch(shot, "FpShotSlices", "FpShotSlice")),
    ...listOf(result.TextFpShots, "TextFpShot").flatMap(textMatch),
  ];
}

const DNA_KEYS = ["VideoDNA", "AudioDNA", "ImageDNA", "TextDNA"] as const;

export function matchesFromDnaDocument(document: unknown): FingerprintMatch[] {
  if (!isObject(document)) return [];
  // VOD nests the lists under DNAResult; a document may also be that inner object itself.
  const body = isObject(document.DNAResult) ? document.DNAResult : document;
  if (DNA_KEYS.some((key) => key in body)) {
    return DNA_KEYS.flatMap((key) => listOf(body[key], "DNA").flatMap((item) => mediaMatch(item, "Detail", "Detail")));
  }
  const mps = isObject(body.FpShotResult) ? body.FpShotResult : body;
  return matchesFromMpsResult(mps);
}

function mediaMatch(item: Json, slicesKey: string, sliceKey: string): FingerprintMatch[] {
  const primaryKey = text(item.PrimaryKey);
  const similarity = fraction(item.Similarity);
  if (primaryKey === undefined || similarity === undefined) return [];
  const segments = listOf(item[slicesKey], sliceKey).flatMap((slice) => {
    const input = span(slice.Input);
    const match = span(slice.Duplication);
    return input && match ? [{ inputStart: input[0], inputEnd: input[1], matchStart: match[0], matchEnd: match[1] }] : [];
  });
  return [{ primaryKey, similarity, segments: longestFirst(segments) }];
}

/**
 * MPS documents only where the copy is in the input (`InputFragment`) and the matched text
 * itself (`DuplicationText`). `DuplicationFragment`, where the copy is in the stored text, is
 * read when present (the emulator sends it); a slice without it has no segment, because its
 * position in the stored item is unknown and a made-up one would mislead.
 */
function textMatch(item: Json): FingerprintMatch[] {
  const primaryKey = text(item.PrimaryKey);
  const similarity = fraction(item.Similarity);
  if (primaryKey === undefined || similarity === undefined) return [];
  const segments = listOf(item.TextFpShotSlices, "TextFpShotSlice").flatMap((slice) => {
    const input = span(slice.InputFragment);
    const match = span(slice.DuplicationFragment);
    return input && match ? [{ inputStart: input[0], inputEnd: input[1], matchStart: match[0], matchEnd: match[1] }] : [];
  });
  return [{ primaryKey, similarity, segments: longestFirst(segments) }];
}

/** `{Start, Duration}` (numbers or decimal strings) as [start, end]. */
function span(value: unknown): [number, number] | undefined {
  if (!isObject(value)) return undefined;
  const start = number(value.Start);
  const duration = number(value.Duration);
  if (start === undefined || duration === undefined || start < 0 || duration < 0) return undefined;
  return [start, start + duration];
}

/** A bare array, or the XML-style wrapper `{Name: [...]}` the services use for lists. */
function listOf(value: unknown, wrapperKey: string): Json[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value[wrapperKey]) ? value[wrapperKey] : [];
  return (list as unknown[]).filter(isObject);
}

function longestFirst(segments: MatchSegment[]): MatchSegment[] {
  return segments.sort((a, b) => b.inputEnd - b.inputStart - (a.inputEnd - a.inputStart) || a.inputStart - b.inputStart);
}

function number(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Similarity in 0..1; a service that answered a percentage (> 1) is scaled down. */
function fraction(value: unknown): number | undefined {
  const n = number(value);
  if (n === undefined || n < 0) return undefined;
  return n > 1 ? Math.min(n / 100, 1) : n;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
