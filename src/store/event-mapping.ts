/**
 * Event log rows to events. One table holds every kind (see LibraryEvent in
 * prisma/models.prisma): the `kind` column says which columns are the event's. LIBRARY rows
 * are read here, JOB rows by job-event-mapping.ts.
 */
import type { LibraryEvent } from "../domain/library-event.js";
import {
  FINGERPRINT_BACKENDS,
  FINGERPRINT_MODELS,
  LIBRARY_STATUSES,
  type FingerprintBackend,
  type FingerprintModel,
  type LibraryStatus,
} from "../domain/model.js";
import type { EventRow } from "./event-columns.js";
import { toJobEvent } from "./job-event-mapping.js";
import { parseLibrarySnapshot } from "./library-snapshot.js";
import type { GatewayEvent } from "./ports.js";
import { readBoolean, readDate, readEnum } from "./sql/values.js";

export function toGatewayEvent(row: EventRow): GatewayEvent {
  if (row.kind === "JOB") return toJobEvent(row);
  if (row.kind !== "LIBRARY") throw new Error(`Stored LibraryEvent.kind "${row.kind}" of row ${row.id} is not one of LIBRARY, JOB.`);
  return toLibraryEvent(row);
}

export function toLibraryEvent(row: EventRow): LibraryEvent {
  const where = String(row.id);
  return {
    kind: "LIBRARY",
    id: row.id,
    tenantId: row.tenantId,
    libraryId: row.libraryId,
    backend: readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "LibraryEvent.backend", where),
    model: readEnum<FingerprintModel>(FINGERPRINT_MODELS, row.model, "LibraryEvent.model", where),
    previousStatus:
      row.previousStatus === null ? null : readEnum<LibraryStatus>(LIBRARY_STATUSES, row.previousStatus, "LibraryEvent.previousStatus", where),
    status: readEnum<LibraryStatus>(LIBRARY_STATUSES, row.status, "LibraryEvent.status", where),
    rawStatus: row.rawStatus,
    firstActivation: readBoolean(row.firstActivation),
    occurredAt: readDate(row.occurredAt, `LibraryEvent.occurredAt of row ${row.id}`),
    library: parseLibrarySnapshot(row.library, row.id),
  };
}
