/**
 * The event log's row ("LibraryEvent": one table for library and job events, `kind` says
 * which) as the query layer returns it, its select list, and its insert. The library
 * registry appends LIBRARY rows, the job store JOB rows, each in the transaction that changes
 * its row; the event log reads both (event-mapping.ts).
 */
import { sql, type SqlSession, type Statement } from "./sql/database.js";

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

/** One event's INSERT; append with appendEvent, which keeps ids in commit order. */
const INSERT_EVENT: Statement<EventRow> = sql<EventRow>(
  `INSERT INTO "LibraryEvent" (${INSERT_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
    `VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING ${EVENT_SELECT}`,
);

function insertEventParams(row: NewEventRow): unknown[] {
  return INSERT_COLUMNS.map((column) => row[column]);
}

/**
 * Event ids in commit order. Subscribers resume with `after: <the last id they saw>`, which is
 * only gap-free if no event with a lower id can become visible later. SQLite hands out
 * AUTOINCREMENT ids in commit order already (one writer at a time). PostgreSQL's sequence
 * hands them out at INSERT time, so two concurrent transitions could commit 8 before 7 (seen
 * in a test: live ends arrived as 4, 3, 5); a subscriber that got 8 and reconnected with
 * `after: 8` would never get 7. So every append first takes one transaction-scoped advisory
 * lock, held to COMMIT: appends are serialized from their INSERT to their commit, which is the
 * last moment of every transition (about a millisecond), across all instances.
 */
const EVENT_ORDER_LOCK: Statement<unknown> = sql({
  sqlite: `SELECT 1`,
  // An arbitrary 64-bit key, the gateway's own: "fpgw-evt" in ASCII.
  postgresql: `SELECT pg_advisory_xact_lock(7381128718567929460)`,
});

/** Appends one event inside the caller's transaction, as its last statement, and returns it. */
export async function appendEvent(tx: SqlSession, row: NewEventRow): Promise<EventRow> {
  if (tx.dialect === "postgresql") await tx.all(EVENT_ORDER_LOCK);
  const event = await tx.one(INSERT_EVENT, insertEventParams(row));
  if (!event) throw new Error("The event log's INSERT returned no row.");
  return event;
}
