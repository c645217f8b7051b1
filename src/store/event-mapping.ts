/**
 * Event log rows to events. One table holds every kind (see LibraryEvent in
 * prisma/models.prisma): the `kind` column says which columns are the event's. LIBRARY rows
 * are read by mapping.ts, JOB rows by job-event-mapping.ts.
 */
import type { EventRow } from "./event-columns.js";
import { toJobEvent } from "./job-event-mapping.js";
import { toLibraryEvent } from "./mapping.js";
import type { GatewayEvent } from "./ports.js";

export function toGatewayEvent(row: EventRow): GatewayEvent {
  if (row.kind === "JOB") return toJobEvent(row);
  if (row.kind !== "LIBRARY") throw new Error(`Stored LibraryEvent.kind "${row.kind}" of row ${row.id} is not one of LIBRARY, JOB.`);
  return toLibraryEvent(row);
}
