/**
 * Errors that come from the gateway's database rather than from the request: better-sqlite3's
 * and node-postgres's, the two drivers under the store's query layer (src/store/sql).
 */

/** Messages node-postgres and better-sqlite3 throw as plain errors when the connection is gone. */
const LOST_CONNECTION = /Connection terminated|connection error|Cannot use a pool after calling end|timeout exceeded when trying to connect|The database connection is not open|Client was closed|Query read timeout/i;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** Any failure of the database, whether it could not be reached or refused the statement. */
export function isDatabaseFailure(error: unknown): boolean {
  const e = error as { name?: unknown; severity?: unknown; code?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "";
  if (name === "SqliteError") return true;
  // node-postgres: a server's error answer (DatabaseError, named "error", with a severity).
  if (name === "error" && typeof e?.severity === "string") return true;
  return isDatabaseUnavailable(error);
}

/**
 * The database could not be reached, dropped the connection or did not answer in time: a
 * statement sent may or may not have been carried out, and the same one may succeed later.
 * Anything else from the database (a constraint, a value it cannot store, a missing table)
 * is a refusal: sending it again fails again.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  // SQLSTATE class 08 (connection exception), 57P01-03 (shutdown), 53300 (too many connections),
  // 57014 (the statement_timeout of sql/postgresql-database.ts cancelled it), 25P03 (idle in
  // transaction too long).
  if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === "53300" || code === "57014" || code === "25P03") return true;
  // SQLite: locked or busy past the timeout, or the file cannot be read or written.
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code)) return true;
  if (NETWORK_CODES.has(code) || LOST_CONNECTION.test(message)) return true;
  // A wrapped failure (a connect error's AggregateError of addresses, an error with a cause).
  const inner = [e.cause, ...((e as { errors?: unknown[] }).errors ?? [])];
  return inner.some((cause) => cause !== error && cause !== undefined && isDatabaseUnavailable(cause));
}
