/** Prisma's and the driver adapter's errors: the database, not the request, is at fault. */
export function isDatabaseFailure(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? "";
  return name.startsWith("PrismaClient") || name === "DriverAdapterError";
}
