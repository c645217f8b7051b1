/**
 * Relay cursors over a library's stored files. ICE and MPS page with their own tokens
 * (ListDNAFiles / ListFpShotFiles `NextPageToken`), which mark page boundaries only; a
 * cursor is a position between two files: the backend page that starts at `token`, after
 * its first `skip` files. Opaque to clients, and bound to the library it was issued for,
 * so a cursor from another library (another tenant's included) is refused instead of
 * being sent to a backend that would page some other listing.
 */
import { badInput } from "../domain/errors.js";

export interface FilePosition {
  /** The backend's page token; null for the first page. */
  token: string | null;
  /** Files of that backend page already handed out. */
  skip: number;
}

/** Backend tokens are short opaque words; anything else did not come from a backend. */
const TOKEN_MAX_LENGTH = 1024;
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
/** A position never lies past a backend page of at most 100 files. */
const MAX_SKIP = 100;

export function encodeFileCursor(libraryId: string, position: FilePosition): string {
  return Buffer.from(JSON.stringify(["files", libraryId, position.token, position.skip])).toString("base64url");
}

export function decodeFileCursor(cursor: string, libraryId: string, field = "after"): FilePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== "files" || typeof parsed[1] !== "string") {
    throw badInput(field, `${field} is not a files cursor this gateway issued; pass an endCursor from a previous page of this library's files.`);
  }
  const [, owner, token, skip] = parsed as [string, string, unknown, unknown];
  if (owner !== libraryId) {
    throw badInput(field, `${field} is a cursor of another library's files; a cursor pages only the library it came from. Start without ${field} to list this one.`);
  }
  const tokenOk = token === null || (typeof token === "string" && token.length <= TOKEN_MAX_LENGTH && TOKEN_PATTERN.test(token));
  if (!tokenOk || typeof skip !== "number" || !Number.isInteger(skip) || skip < 0 || skip > MAX_SKIP) {
    throw badInput(field, `${field} is not a files cursor this gateway issued; pass an endCursor from a previous page of this library's files.`);
  }
  return { token: token as string | null, skip };
}
