/**
 * Prisma's and the driver adapter's errors, and better-sqlite3's (the store's prepared
 * statements): the database, not the request, is at fault.
 */
export function isDatabaseFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? "";
  return name.startsWith("PrismaClient") || name === "DriverAdapterError" || name === "SqliteError";
}
