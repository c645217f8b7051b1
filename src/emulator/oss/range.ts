/**
 * The Range header of GetObject. OSS serves one `bytes=` range; a header it cannot use
 * (bad syntax, several ranges, end before start) is ignored and the whole object is
 * sent with 200, as OSS documents. A start at or past the end answers 416 InvalidRange.
 */
import { OssError } from "./errors.js";

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    // Suffix: the last n bytes.
    const n = Number(m[2]);
    if (n === 0) return undefined;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== "" && Number(m[2]) < start) return undefined;
  const end = m[2] === "" ? size - 1 : Number(m[2]);
  if (start >= size) {
    throw new OssError(416, "InvalidRange", "The requested range cannot be satisfied.", { RangeRequested: header, ActualObjectSize: String(size) });
  }
  return { start, end: Math.min(end, size - 1) };
}
