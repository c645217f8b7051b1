/**
 * The CreateIntent table's columns: the row as the query layer returns it, the select list,
 * and the row → CreateIntent codec. `state` and `backend` are plain text in both databases
 * (prisma/models.prisma), so a value outside the domain's union is caught here, on read.
 */
import { FINGERPRINT_BACKENDS, type FingerprintBackend } from "../domain/model.js";
import type { CreateIntent, CreateIntentState } from "./ports.js";
import { readDate, readEnum } from "./sql/values.js";

export const INTENT_STATES: readonly CreateIntentState[] = ["PENDING", "SUCCEEDED", "FAILED"];

export const CREATE_INTENT_COLUMNS = [
  "id",
  "tenantId",
  "idempotencyKey",
  "inputHash",
  "state",
  "input",
  "backend",
  "region",
  "backendLibraryId",
  "libraryId",
  "errorCode",
  "errorMessage",
  "createdAt",
  "updatedAt",
] as const;

/** A CreateIntent row as either database returns it (dates are text on SQLite, Dates on PostgreSQL). */
export type CreateIntentRow = {
  [K in (typeof CREATE_INTENT_COLUMNS)[number]]: K extends "createdAt" | "updatedAt"
    ? unknown
    : K extends "idempotencyKey" | "backend" | "backendLibraryId" | "libraryId" | "errorCode" | "errorMessage"
      ? string | null
      : string;
};

/** The select list of a CreateIntent. */
export const CREATE_INTENT_SELECT = CREATE_INTENT_COLUMNS.map((name) => `"${name}"`).join(", ");

export function toCreateIntent(row: CreateIntentRow): CreateIntent {
  const where = (column: string) => `CreateIntent.${column} of row ${row.id}`;
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    state: readEnum(INTENT_STATES, row.state, "CreateIntent.state", row.id),
    input: row.input,
    backend: row.backend === null ? null : readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "CreateIntent.backend", row.id),
    region: row.region,
    backendLibraryId: row.backendLibraryId,
    libraryId: row.libraryId,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    createdAt: readDate(row.createdAt, where("createdAt")),
    updatedAt: readDate(row.updatedAt, where("updatedAt")),
  };
}
