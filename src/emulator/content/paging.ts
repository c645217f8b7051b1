/**
 * Page tokens and page sizes. A token names the list it belongs to (a library, a job
 * query) and the position after the last item handed out, so items added or deleted
 * between calls neither repeat nor shift the following page.
 */
import { invalidParameter } from "../errors.js";

export function encodeToken(scope: string, afterSeq: number): string {
  return Buffer.from(`${scope}|${afterSeq}`, "utf8").toString("base64url");
}

/** The position after which the page starts; 0 without a token. */
export function decodeToken(name: string, token: string | undefined, scope: string): number {
  if (token === undefined) return 0;
  const text = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, "base64url").toString("utf8") : "";
  const bar = text.lastIndexOf("|");
  const seq = Number(text.slice(bar + 1));
  if (bar < 0 || !Number.isInteger(seq) || seq < 0) {
    throw invalidParameter(`The parameter ${name} ${JSON.stringify(token)} is not a token returned by this API; omit it to start from the first page.`);
  }
  if (text.slice(0, bar) !== scope) {
    throw invalidParameter(`The parameter ${name} belongs to a different listing (other library or filters); omit it to start from the first page.`);
  }
  return seq;
}

/** An integer page size in [1, max]; `fallback` when absent. */
export function pageSize(name: string, raw: string | undefined, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) throw invalidParameter(`The parameter ${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}.`);
  return n;
}

/** One page of items ordered by seq, and the token of the next page (undefined on the last). */
export function page<T extends { seq: number }>(sorted: T[], after: number, size: number, scope: string): { items: T[]; next?: string } {
  const rest = sorted.filter((x) => x.seq > after);
  const items = rest.slice(0, size);
  return rest.length > size ? { items, next: encodeToken(scope, items[items.length - 1]!.seq) } : { items };
}
