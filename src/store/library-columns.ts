/**
 * The one list of the Library table's columns: the row as the query layer returns it, the
 * select list, the row → Library codec, and the insert. Every statement that reads or writes
 * a whole library (the registry, create intents, job events' snapshots) uses these, so a
 * column added to the table is added here once.
 *
 * Enumerated columns are plain text in both databases (prisma/models.prisma), so a value
 * outside the domain's union is caught here, on read, rather than travelling on as a lie in
 * the type.
 */
import { randomUUID } from "node:crypto";
import type { Library } from "../domain/library.js";
import {
  FINGERPRINT_BACKENDS,
  FINGERPRINT_MODELS,
  LIBRARY_STATUSES,
  shardOf,
  type FingerprintBackend,
  type FingerprintModel,
  type LibraryStatus,
} from "../domain/model.js";
import { DuplicateLibraryError, type NewLibrary } from "./ports.js";
import { sql, type Statement } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";
import { readDate, readEnum, readOptionalDate } from "./sql/values.js";

/** The columns a Library is made of, in select order (the watcher's schedule columns are not part of it). */
export const LIBRARY_COLUMNS = [
  "id",
  "tenantId",
  "backend",
  "backendLibraryId",
  "region",
  "name",
  "description",
  "model",
  "config",
  "status",
  "rawStatus",
  "deleteJobId",
  "createdAt",
  "updatedAt",
  "activatedAt",
] as const;

/** A Library row as either database returns it (dates are text on SQLite, Dates on PostgreSQL). */
export type LibraryRow = {
  [K in (typeof LIBRARY_COLUMNS)[number]]: K extends "description" | "config" | "deleteJobId"
    ? string | null
    : K extends "createdAt" | "updatedAt" | "activatedAt"
      ? unknown
      : string;
};

/** The select list of a Library, `"alias"."column" AS "column"`. */
export function librarySelect(alias = "Library"): string {
  return LIBRARY_COLUMNS.map((name) => `"${alias}"."${name}" AS "${name}"`).join(", ");
}

export function toLibrary(row: LibraryRow): Library {
  const where = (column: string) => `Library.${column} of row ${row.id}`;
  return {
    id: row.id,
    tenantId: row.tenantId,
    backend: readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "Library.backend", row.id),
    backendLibraryId: row.backendLibraryId,
    region: row.region,
    name: row.name,
    description: row.description,
    model: readEnum<FingerprintModel>(FINGERPRINT_MODELS, row.model, "Library.model", row.id),
    config: row.config,
    status: readEnum<LibraryStatus>(LIBRARY_STATUSES, row.status, "Library.status", row.id),
    rawStatus: row.rawStatus,
    deleteJobId: row.deleteJobId,
    createdAt: readDate(row.createdAt, where("createdAt")),
    updatedAt: readDate(row.updatedAt, where("updatedAt")),
    activatedAt: readOptionalDate(row.activatedAt, where("activatedAt")),
  };
}

/** The columns an insert writes (the rest take their defaults: no schedule yet, checkCount 0, no delete job). */
const INSERT_COLUMNS = [
  "id",
  "shard",
  "tenantId",
  "account",
  "backend",
  "backendLibraryId",
  "region",
  "name",
  "description",
  "model",
  "config",
  "status",
  "rawStatus",
  "activatedAt",
  "createdAt",
  "updatedAt",
] as const;

export type NewLibraryRow = Record<(typeof INSERT_COLUMNS)[number], unknown> & { id: string };

/** A new library's row: a fresh id unless given, its shard, createdAt = updatedAt = now. */
export function newLibraryRow(library: NewLibrary, now: Date): NewLibraryRow {
  const id = library.id ?? randomUUID();
  return {
    id,
    shard: shardOf(id),
    tenantId: library.tenantId,
    account: library.account,
    backend: library.backend,
    backendLibraryId: library.backendLibraryId,
    region: library.region,
    name: library.name,
    description: library.description,
    model: library.model,
    config: library.config,
    status: library.status,
    rawStatus: library.rawStatus,
    activatedAt: library.activatedAt ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The Library a new row is, as the database will hold it. */
export function libraryOfNewRow(row: NewLibraryRow): Library {
  return toLibrary({ ...(row as unknown as LibraryRow), deleteJobId: null });
}

/** INSERT of a new library row; a taken (account, backend, backendLibraryId) is a unique violation. */
export const INSERT_LIBRARY: Statement = sql(
  `INSERT INTO "Library" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
);

export function insertLibraryParams(row: NewLibraryRow): unknown[] {
  return INSERT_COLUMNS.map((column) => row[column]);
}

/** What an INSERT_LIBRARY failure means: a unique violation is the (account, backend, backendLibraryId) row that exists. */
export function libraryInsertError(error: unknown, library: NewLibrary): unknown {
  if (!isUniqueViolation(error)) return error;
  return new DuplicateLibraryError(
    `Library ${library.backend}/${library.backendLibraryId} of account ${library.account} is already registered.`,
    { cause: error },
  );
}
