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
import type { EventRow } from "./event-columns.js";
import type { CreateIntent as CreateIntentRow, Library as LibraryRow } from "./generated/postgresql/client.js";
import { readBoolean, readDate } from "./sql/values.js";
import type { CreateIntent, CreateIntentState, LibraryEvent } from "./ports.js";

const INTENT_STATES: readonly CreateIntentState[] = ["PENDING", "SUCCEEDED", "FAILED"];

export function oneOf<T extends string>(allowed: readonly T[], value: string, column: string, id: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Stored ${column} "${value}" of row ${id} is not one of ${allowed.join(", ")}.`);
}

/** The columns a Library is made of (the watcher's schedule columns are not part of it). */
export type LibraryColumns = Pick<
  LibraryRow,
  | "id"
  | "tenantId"
  | "backend"
  | "backendLibraryId"
  | "region"
  | "name"
  | "description"
  | "model"
  | "config"
  | "status"
  | "rawStatus"
  | "deleteJobId"
  | "createdAt"
  | "updatedAt"
  | "activatedAt"
>;

export function toLibrary(row: LibraryColumns): Library {
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

export function toLibraryEvent(row: EventRow): LibraryEvent {
  const where = String(row.id);
  return {
    kind: "LIBRARY",
    id: row.id,
    tenantId: row.tenantId,
    libraryId: row.libraryId,
    backend: oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "LibraryEvent.backend", where),
    model: oneOf<FingerprintModel>(FINGERPRINT_MODELS, row.model, "LibraryEvent.model", where),
    previousStatus:
      row.previousStatus === null
        ? null
        : oneOf<LibraryStatus>(LIBRARY_STATUSES, row.previousStatus, "LibraryEvent.previousStatus", where),
    status: oneOf<LibraryStatus>(LIBRARY_STATUSES, row.status, "LibraryEvent.status", where),
    rawStatus: row.rawStatus,
    firstActivation: readBoolean(row.firstActivation),
    occurredAt: readDate(row.occurredAt, `LibraryEvent.occurredAt of row ${row.id}`),
    library: parseLibrarySnapshot(row.library, row.id),
  };
}

/**
 * The LibraryEvent.library column: the Library as JSON, dates as ISO 8601 strings (what
 * JSON.stringify makes of a Date). Keys are listed, not spread, so a field added to the
 * domain type is a compile error here rather than silently missing from the log.
 */
export function librarySnapshot(library: Library): string {
  const snapshot: Record<keyof Library, unknown> = {
    id: library.id,
    tenantId: library.tenantId,
    backend: library.backend,
    backendLibraryId: library.backendLibraryId,
    region: library.region,
    name: library.name,
    description: library.description,
    model: library.model,
    config: library.config,
    status: library.status,
    rawStatus: library.rawStatus,
    deleteJobId: library.deleteJobId,
    createdAt: library.createdAt.toISOString(),
    updatedAt: library.updatedAt.toISOString(),
    activatedAt: library.activatedAt?.toISOString() ?? null,
  };
  return JSON.stringify(snapshot);
}

/** The inverse of librarySnapshot, checking every field (the column is text nobody else validates). */
export function parseLibrarySnapshot(json: string, eventId: number): Library {
  const where = `LibraryEvent ${eventId}`;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`Stored ${where} library snapshot is not JSON.`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`Stored ${where} library snapshot is not a JSON object.`);
  }
  const record = value as Record<string, unknown>;
  const text = (key: keyof Library): string => {
    const field = record[key];
    if (typeof field !== "string") throw new Error(`Stored ${where} library snapshot: ${key} is not a string.`);
    return field;
  };
  const textOrNull = (key: keyof Library): string | null => (record[key] === null || record[key] === undefined ? null : text(key));
  const date = (key: keyof Library): Date => {
    const parsed = new Date(text(key));
    if (Number.isNaN(parsed.getTime())) throw new Error(`Stored ${where} library snapshot: ${key} is not a date.`);
    return parsed;
  };
  const id = text("id");
  return {
    id,
    tenantId: text("tenantId"),
    backend: oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, text("backend"), "LibraryEvent.library.backend", String(eventId)),
    backendLibraryId: text("backendLibraryId"),
    region: text("region"),
    name: text("name"),
    description: textOrNull("description"),
    model: oneOf<FingerprintModel>(FINGERPRINT_MODELS, text("model"), "LibraryEvent.library.model", String(eventId)),
    config: textOrNull("config"),
    status: oneOf<LibraryStatus>(LIBRARY_STATUSES, text("status"), "LibraryEvent.library.status", String(eventId)),
    rawStatus: text("rawStatus"),
    deleteJobId: textOrNull("deleteJobId"),
    createdAt: date("createdAt"),
    updatedAt: date("updatedAt"),
    activatedAt: textOrNull("activatedAt") === null ? null : date("activatedAt"),
  };
}
