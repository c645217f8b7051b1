/**
 * The one test for "this write broke a unique index" (a taken idempotency key, a backend id
 * already registered), for both drivers: better-sqlite3's SQLITE_CONSTRAINT_UNIQUE and
 * _PRIMARYKEY, PostgreSQL's SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505";
}
