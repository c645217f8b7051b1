/**
 * Rows to domain objects. The enumerated columns are plain text in both databases (see
 * prisma/models.prisma), so a value outside the domain's union is caught here, on read,
 * rather than travelling on as a lie in the type.
 */
import type { Library } from "../domain/library.js";
import {
  FINGERPRINT_BACKENDS,
  FINGERPRINT_MODELS,
  LIBRARY_STATUSES,
  type FingerprintBackend,
  type FingerprintModel,
  type LibraryStatus,
} from "../domain/model.js";
import type { CreateIntent as CreateIntentRow, Library as LibraryRow } from "./generated/postgresql/client.js";
import type { CreateIntent, CreateIntentState } from "./ports.js";

const INTENT_STATES: readonly CreateIntentState[] = ["PENDING", "SUCCEEDED", "FAILED"];

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string, id: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Stored ${column} "${value}" of row ${id} is not one of ${allowed.join(", ")}.`);
}

export function toLibrary(row: LibraryRow): Library {
  return {
    id: row.id,
    tenantId: row.tenantId,
    backend: oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "Library.backend", row.id),
    backendLibraryId: row.backendLibraryId,
    region: row.region,
    name: row.name,
    description: row.description,
    model: oneOf<FingerprintModel>(FINGERPRINT_MODELS, row.model, "Library.model", row.id),
    config: row.config,
    status: oneOf<LibraryStatus>(LIBRARY_STATUSES, row.status, "Library.status", row.id),
    rawStatus: row.rawStatus,
    deleteJobId: row.deleteJobId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    activatedAt: row.activatedAt,
  };
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
