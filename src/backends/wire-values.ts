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

/**
 * The asked-for ids a List/Query answer did not return, plus those it named in NonExistIds
 * (MPS): both mean "this account does not have it", once each.
 */
export function missingIds(asked: readonly string[], foundIds: Iterable<string>, nonExist: readonly string[] = []): string[] {
  const seen = new Set(foundIds);
  return [...new Set([...nonExist, ...asked.filter((id) => !seen.has(id))])];
}

/** A page token, or null on the last page (both services send "" or nothing there). */
export function pageToken(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
