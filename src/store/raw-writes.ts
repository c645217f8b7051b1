/**
 * Helpers for the few writes that skip Prisma's query builder on the create path.
 *
 * Why: every Prisma model call compiles its query in WebAssembly and maps a RETURNING row
 * back; measured on SQLite that is ~0.7–0.9 ms of CPU for one `update` or `create`, against
 * ~0.1 ms for the same statement as `$executeRaw`. A create makes four such writes. The raw
 * statements still run through Prisma (`use`, its connection, its transactions and its
 * parameter binding: a Date is stored exactly as a model write stores it). Used on
 * PostgreSQL (SQLite has prepared statements of its own, intent-writes-sqlite.ts): double-
 * quoted identifiers, unqualified table names (the session's search_path is the `?schema=`
 * schema, see client.ts).
 */
import { prismaErrorCode } from "./prisma-errors.js";

/**
 * A raw statement's unique violation is P2010 ("raw query failed") with the driver adapter's
 * error kind inside; model calls report P2002. Returns the error with code P2002 instead, so
 * the repositories' isUniqueViolation works for both.
 */
export function asModelError(error: unknown): unknown {
  if (prismaErrorCode(error) !== "P2010") return error;
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta?.driverAdapterError?.cause?.kind;
  if (kind !== "UniqueConstraintViolation") return error;
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
