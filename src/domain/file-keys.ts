/**
 * The keys a deleteFingerprintFiles call names, checked before any backend call: each one a
 * key the gateway would have accepted for a job (no commas: ICE takes them as one
 * comma-separated list), duplicates dropped (order kept), and a bound on how many, so one
 * request cannot become thousands of backend calls.
 */
import { badInput } from "./errors.js";
import { assertPrimaryKey } from "./job-input.js";

/** 20 ICE DeleteDNAFiles calls (50 keys each) or 5 MPS delete jobs (200 each). */
export const MAX_DELETE_KEYS = 1000;

export function validateDeleteKeys(keys: readonly string[], field = "primaryKeys"): string[] {
  if (keys.length === 0) throw badInput(field, `${field} is empty; name 1 to ${MAX_DELETE_KEYS} stored primary keys to delete.`);
  const unique = [...new Set(keys)];
  if (unique.length > MAX_DELETE_KEYS) {
    throw badInput(field, `${field} names ${unique.length} distinct keys; one call deletes at most ${MAX_DELETE_KEYS}. Split them over several calls.`);
  }
  unique.forEach((key) => assertPrimaryKey(`${field}[${keys.indexOf(key)}]`, key));
  return unique;
}

/** Consecutive slices of at most `size`, for backends that take a bounded list per call. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
