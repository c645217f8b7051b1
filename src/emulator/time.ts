/**
 * The one timestamp layout the Alibaba SDKs send and the services print:
 * `YYYY-MM-DDThh:mm:ssZ` (UTC, no milliseconds).
 */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Fractional seconds are tolerated because hand-written clients often send them;
// anything else (offsets, missing Z, date only) is refused as malformed.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** Parses a signing timestamp; undefined when the text is not a valid UTC timestamp. */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Date.UTC rolls 2024-02-31 over into March: refuse instead of guessing.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return ms;
}
