/**
 * The event log's row ("LibraryEvent": one table for library and job events, `kind` says
 * which) as the query layer returns it, its select list, and its insert. The library
 * registry appends LIBRARY rows, the job store JOB rows, each in the transaction that changes
 * its row; the event log reads both (event-mapping.ts).
 */
import { sql, type Statement } from "./sql/database.js";

export const EVENT_COLUMNS = [
  "id",
  "tenantId",
  "libraryId",
  "backend",
  "model",
  "previousStatus",
  "status",
  "rawStatus",
  "firstActivation",
  "occurredAt",
  "library",
  "kind",
  "jobId",
  "searchId",
  "job",
] as const;

/** A LibraryEvent row as either database returns it (occurredAt is text on SQLite, firstActivation 0/1). */
export interface EventRow {
  id: number;
  tenantId: string;
  libraryId: string;
  backend: string;
  model: string;
  previousStatus: string | null;
  status: string;
  rawStatus: string;
  firstActivation: unknown;
  occurredAt: unknown;
  library: string;
  kind: string;
  jobId: string | null;
  searchId: string | null;
  job: string | null;
}

/** The select list of an event row. */
export const EVENT_SELECT = EVENT_COLUMNS.map((name) => `"${name}"`).join(", ");

/** The columns an append writes (id is the log's sequence). */
export type NewEventRow = Omit<EventRow, "id">;

const INSERT_COLUMNS = EVENT_COLUMNS.filter((name) => name !== "id");

/** Appends one event and returns it (its id is the log's order). */
export const INSERT_EVENT: Statement<EventRow> = sql<EventRow>(
  `INSERT INTO "LibraryEvent" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
    `VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING ${EVENT_SELECT}`,
);

export function insertEventParams(row: NewEventRow): unknown[] {
  return INSERT_COLUMNS.map((column) => row[column]);
}
