/**
 * Errors that come from the gateway's database rather than from the request: Prisma's and the
 * driver adapter's, better-sqlite3's (the store's prepared statements), and node-postgres's
 * (the PostgreSQL hot reads run on the driver's pool directly).
 */

/**
 * Messages node-postgres and better-sqlite3 throw as plain errors when the connection is gone,
 * and Prisma's words for it where its error has no code of its own (a raw query's P2010).
 */
const LOST_CONNECTION = /Connection terminated|connection error|Cannot use a pool after calling end|timeout exceeded when trying to connect|The database connection is not open|Client was closed|Can't reach database server|Server has closed the connection|Timed out fetching a new connection|Query read timeout/i;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** Any failure of the database, whether it could not be reached or refused the statement. */
export function isDatabaseFailure(error: unknown): boolean {
  const e = error as { name?: unknown; severity?: unknown; code?: unknown } | null;
  const name = typeof e?.name === "string" ? e.name : "";
  if (name.startsWith("PrismaClient") || name === "DriverAdapterError" || name === "SqliteError") return true;
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
  const name = typeof e.name === "string" ? e.name : "";
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (name === "PrismaClientInitializationError" || name === "PrismaClientRustPanicError") return true;
  // P1001 unreachable, P1002 timed out, P1008 operation timeout, P1017 server closed the
  // connection, P2024 no pooled connection in time, P2028 transaction API error (a timeout).
  if (["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"].includes(code)) return true;
  // SQLSTATE class 08 (connection exception), 57P01-03 (shutdown), 53300 (too many connections),
  // 57014 (the statement_timeout of sql/postgresql-database.ts cancelled it), 25P03 (idle in
  // transaction too long).
  if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === "53300" || code === "57014" || code === "25P03") return true;
  // SQLite: locked or busy past the timeout, or the file cannot be read or written.
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code)) return true;
  if (NETWORK_CODES.has(code) || LOST_CONNECTION.test(message)) return true;
  // A raw query's failure (P2010) names the database's own code in `meta`, beside the adapter's error.
  const meta = (e as { meta?: { code?: unknown; driverAdapterError?: unknown } }).meta;
  if (meta && typeof meta === "object") {
    if (typeof meta.code === "string" && meta.code !== code && isDatabaseUnavailable({ code: meta.code })) return true;
    if (meta.driverAdapterError && meta.driverAdapterError !== error && isDatabaseUnavailable(meta.driverAdapterError)) return true;
  }
  // Driver adapter errors carry the driver's own error as `cause` (kind "postgres"/"sqlite" with its code, or a kind of ours).
  const cause = e.cause as { kind?: unknown; code?: unknown; originalCode?: unknown } | undefined;
  if (cause && typeof cause === "object") {
    if (["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionAlreadyClosed"].includes(String(cause.kind))) return true;
    if (cause !== error && isDatabaseUnavailable(cause)) return true;
  }
  return false;
}
