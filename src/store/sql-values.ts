/**
 * How the store's hand-written SQL (hot-reads.ts, job-reads.ts, intent-writes-sqlite.ts,
 * job-writes-*.ts) writes and reads values that Prisma also writes and reads: one place, so
 * a row written by hand is the row Prisma would have written, and the other way round.
 *
 * SQLite: DateTime is ISO 8601 text with "+00:00" (what @prisma/adapter-better-sqlite3
 * writes with its default timestampFormat "iso8601"); its other format, unix ms, is read too.
 * PostgreSQL: DateTime is TIMESTAMP(3) without a time zone holding UTC. Read through pg
 * directly it is selected `AT TIME ZONE 'UTC'` (an instant, whatever the session's TimeZone)
 * and arrives as a Date; through Prisma's raw queries the adapter makes the Date itself.
 */

/** What the SQLite adapter writes for a Date. */
export function sqliteDateTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A value bound to a better-sqlite3 statement as the SQLite adapter would bind it. */
export function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteDateTime(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value === undefined ? null : value;
}

/** A SQLite DateTime column's value; `where` names it for the error ("Library.createdAt of row x"). */
export function sqliteDate(value: unknown, where: string): Date {
  const date =
    typeof value === "string" ? new Date(value) : typeof value === "number" || typeof value === "bigint" ? new Date(Number(value)) : null;
  if (!date || Number.isNaN(date.getTime())) throw new Error(`Stored ${where} is not a date.`);
  return date;
}

/** A PostgreSQL DateTime column's value as pg or Prisma's raw query hands it over. */
export function postgresDate(value: unknown, where: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  throw new Error(`Stored ${where} is not a date.`);
}
