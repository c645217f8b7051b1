/**
 * Rows to domain objects for the create intents. The enumerated columns are plain text in
 * both databases (see prisma/models.prisma), so a value outside the domain's union is caught
 * here, on read, rather than travelling on as a lie in the type.
 *
 * Library rows are decoded by library-columns.ts, the event log's rows by event-mapping.ts.
 */
import { FINGERPRINT_BACKENDS, type FingerprintBackend } from "../domain/model.js";
import type { CreateIntent as CreateIntentRow } from "./generated/postgresql/client.js";
import type { CreateIntent, CreateIntentState } from "./ports.js";

/**
 * Transitional: create-intent-repository.ts, job-repository.ts and its test import these from
 * here until they move onto the query layer; delete then.
 */
export { toLibrary } from "./library-columns.js";
export { librarySnapshot } from "./library-snapshot.js";

const INTENT_STATES: readonly CreateIntentState[] = ["PENDING", "SUCCEEDED", "FAILED"];

export function oneOf<T extends string>(allowed: readonly T[], value: string, column: string, id: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Stored ${column} "${value}" of row ${id} is not one of ${allowed.join(", ")}.`);
}

export function toCreateIntent(row: CreateIntentRow): CreateIntent {
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    state: oneOf(INTENT_STATES, row.state, "CreateIntent.state", row.id),
    input: row.input,
    backend:
      row.backend === null ? null : oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "CreateIntent.backend", row.id),
    region: row.region,
    backendLibraryId: row.backendLibraryId,
    libraryId: row.libraryId,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
