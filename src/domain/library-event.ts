/**
 * A library's status change as the gateway records and carries it, and the one JSON shape of
 * a Library wherever it travels as text: the event log's `library` snapshot and the Redis bus.
 * Dates are ISO 8601 strings (what JSON.stringify makes of a Date); everything else is as in
 * the domain.
 *
 * libraryFromJson checks every field, because both places it reads from are text written by
 * another process (an older gateway, a hand-edited row): a value outside the domain's unions
 * is caught here rather than travelling on as a lie in the type. A nullable field that is
 * missing reads as null, so a snapshot written before the field existed still reads.
 */
import type { Library } from "./library.js";
import {
  FINGERPRINT_BACKENDS,
  FINGERPRINT_MODELS,
  LIBRARY_STATUSES,
  type FingerprintBackend,
  type FingerprintModel,
  type LibraryStatus,
} from "./model.js";

/**
 * One entry of the durable, ordered event log for a library's status change. `library` is
 * the snapshot right after the change, so replay and fan-out never re-read the registry.
 */
export interface LibraryEvent {
  kind: "LIBRARY";
  /** Strictly increasing in insertion order (one sequence for every kind); the cursor of `after`. */
  id: number;
  tenantId: string;
  libraryId: string;
  backend: FingerprintBackend;
  model: FingerprintModel;
  previousStatus: LibraryStatus | null;
  status: LibraryStatus;
  rawStatus: string;
  /** True on the library's first transition to ACTIVE (fingerprintLibraryActivated). */
  firstActivation: boolean;
  occurredAt: Date;
  library: Library;
}

export type LibraryJson = Omit<Library, "createdAt" | "updatedAt" | "activatedAt"> & {
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
};

/**
 * Keys are listed, not spread, so a field added to Library is a compile error here rather
 * than silently missing from the log and the bus (and nothing else rides along).
 */
export function libraryToJson(library: Library): LibraryJson {
  return {
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
}

/** The inverse of libraryToJson, checking every field; `where` names the value for the error ("Stored LibraryEvent 7 library snapshot"). */
export function libraryFromJson(value: unknown, where: string): Library {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where} is not a JSON object.`);
  const record = value as Record<string, unknown>;
  const text = (key: keyof Library): string => {
    const field = record[key];
    if (typeof field !== "string") throw new Error(`${where}: ${key} is not a string.`);
    return field;
  };
  const textOrNull = (key: keyof Library): string | null => (record[key] === null || record[key] === undefined ? null : text(key));
  const date = (key: keyof Library): Date => {
    const parsed = new Date(text(key));
    if (Number.isNaN(parsed.getTime())) throw new Error(`${where}: ${key} is not a date.`);
    return parsed;
  };
  const oneOf = <T extends string>(allowed: readonly T[], key: keyof Library): T => {
    const field = text(key);
    if ((allowed as readonly string[]).includes(field)) return field as T;
    throw new Error(`${where}: ${key} "${field}" is not one of ${allowed.join(", ")}.`);
  };
  return {
    id: text("id"),
    tenantId: text("tenantId"),
    backend: oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, "backend"),
    backendLibraryId: text("backendLibraryId"),
    region: text("region"),
    name: text("name"),
    description: textOrNull("description"),
    model: oneOf<FingerprintModel>(FINGERPRINT_MODELS, "model"),
    config: textOrNull("config"),
    status: oneOf<LibraryStatus>(LIBRARY_STATUSES, "status"),
    rawStatus: text("rawStatus"),
    deleteJobId: textOrNull("deleteJobId"),
    createdAt: date("createdAt"),
    updatedAt: date("updatedAt"),
    activatedAt: textOrNull("activatedAt") === null ? null : date("activatedAt"),
  };
}
