/**
 * Text both databases can hold. PostgreSQL refuses NUL in text (22021) and the drivers turn a
 * lone UTF-16 surrogate into U+FFFD, so what comes back is not what was sent; SQLite keeps
 * both but then compares and matches them oddly (a NUL cuts LIKE patterns short). The SDKs
 * cannot even encode a lone surrogate into a URL (URIError). Such input is refused before
 * anything is written or sent to a backend, the same way on both databases.
 */
import { badInput } from "./errors.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableReason(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate (not valid Unicode text)";
  return null;
}

/** Throws BAD_USER_INPUT naming `field` when `text` cannot be stored. */
export function requireStorable(field: string, text: string): string {
  const reason = unstorableReason(text);
  if (reason) throw badInput(field, `${field} ${reason}; send valid Unicode text without NUL characters.`);
  return text;
}
