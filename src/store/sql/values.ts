/**
 * The one place values are encoded for the database and decoded from it.
 *
 * Dates:
 *  - SQLite stores ISO 8601 text with "+00:00" (the text Prisma's SQLite adapter wrote, so
 *    files from before the query layer read unchanged, and text comparison is time order);
 *    unix milliseconds, Prisma's other format, are read too.
 *  - PostgreSQL columns are TIMESTAMP(3) without a time zone holding UTC. A Date is bound as
 *    UTC text (PostgreSQL ignores the "Z" for such a column; node-postgres would format the
 *    process's local time), and read as a UTC instant (postgresql-database.ts's type parser).
 * Booleans: 0/1 on SQLite. Arrays: JSON text on SQLite (json_each), arrays on PostgreSQL (ANY).
 */
import type { Dialect } from "./database.js";

/** What SQLite stores for a Date. */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A parameter as the dialect binds it. */
export function encodeValue(value: unknown, dialect: Dialect): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return dialect === "sqlite" ? sqliteDateTime(value) : value.toISOString();
  if (dialect === "sqlite") {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (Array.isArray(value)) return JSON.stringify(value);
  }
  return value;
}

/** A DateTime column's value from either database; `where` names it for the error ("Library.createdAt of row x"). */
export function readDate(value: unknown, where: string): Date {
  const date =
    value instanceof Date
      ? value
      : typeof value === "string"
        ? new Date(value)
        : typeof value === "number" || typeof value === "bigint"
          ? new Date(Number(value))
          : null;
  if (!date || Number.isNaN(date.getTime())) throw new Error(`Stored ${where} is not a date.`);
  return date;
}

/** A nullable DateTime column's value. */
export function readOptionalDate(value: unknown, where: string): Date | null {
  return value === null || value === undefined ? null : readDate(value, where);
}

/** A Boolean column's value (SQLite: 0/1). */
export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

/** A count or integer column's value (SQLite may give a bigint, PostgreSQL's COUNT a number here). */
export function readInteger(value: unknown): number {
  return Number(value ?? 0);
}

/** An enumerated text column's value, checked against the domain's union (the databases store plain text). */
export function readEnum<T extends string>(allowed: readonly T[], value: unknown, column: string, id: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Stored ${column} "${String(value)}" of row ${id} is not one of ${allowed.join(", ")}.`);
}
