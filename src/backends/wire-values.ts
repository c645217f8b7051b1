/** Small readers for the values both services send as strings. */

/** `2022-12-28T03:21:37Z` style; null when absent or not a date. */
export function isoDate(value: unknown): Date | null {
  if (typeof value !== "string" || value === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The XML-style list wrapper the MPS API uses (`{FpShotJob: [...]}`), or a bare array. */
export function wrappedList<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (typeof value === "object" && value !== null && Array.isArray((value as Record<string, unknown>)[key])) {
    return (value as Record<string, T[]>)[key]!;
  }
  return [];
}
