/**
 * Prisma's known request errors carry a `code` such as P2002. Each generated client has its
 * own error classes, so the code is checked, not the class.
 */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && /^P\d{4}$/.test(code)) return code;
  }
  return undefined;
}

/** Unique constraint failed. */
export const isUniqueViolation = (error: unknown): boolean => prismaErrorCode(error) === "P2002";

/** An update or delete found no record to act on. */
export const isRecordNotFound = (error: unknown): boolean => prismaErrorCode(error) === "P2025";
