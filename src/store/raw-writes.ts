/**
 * Helpers for the writes that skip Prisma's query builder on the hot paths (a create's intent,
 * intent-writes-*.ts; a job submit's claim and markSubmitted, job-writes-*.ts).
 *
 * Why: every Prisma model call compiles its query in WebAssembly and maps a RETURNING row
 * back; measured on SQLite that is ~0.7–0.9 ms of CPU for one `update` or `create`, against
 * ~0.1 ms for the same statement as `$executeRaw` and ~0.02 ms on a statement prepared once.
 * On PostgreSQL the raw statements still run through Prisma (`use`, its connection, its
 * transactions and its parameter binding: a Date is stored exactly as a model write stores
 * it), with double-quoted identifiers and unqualified table names (the session's search_path
 * is the `?schema=` schema, see client.ts). SQLite has prepared statements of its own on the
 * store's writer connection.
 */
import { prismaErrorCode } from "./prisma-errors.js";

/**
 * A hand-written statement's unique violation as a model call reports it (P2002), so the
 * repositories' one test, isUniqueViolation (prisma-errors.ts), sees every write's:
 *  - through Prisma's raw API (PostgreSQL) it is P2010 ("raw query failed") with the driver
 *    adapter's error kind inside;
 *  - on a better-sqlite3 statement (SQLite) it is SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY.
 * Any other error is returned as it is.
 */
export function asModelError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const unique =
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    (prismaErrorCode(error) === "P2010" &&
      (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation");
  if (!unique) return error;
  return Object.assign(new Error((error as Error).message, { cause: error }), { code: "P2002" });
}

/** `INSERT INTO "table" ("a", "b") VALUES ($1, $2)` for one row's columns (PostgreSQL placeholders). */
export function insertStatement(table: string, row: Record<string, unknown>): { sql: string; values: unknown[] } {
  const columns = Object.keys(row);
  const placeholders = columns.map((_, i) => `$${i + 1}`);
  return {
    sql: `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${placeholders.join(", ")})`,
    values: columns.map((c) => row[c]),
  };
}
