/**
 * Synthetic events written into a SQLite store's event log with their own ids, as a
 * recorder's commit would leave them. The relay trusts the log: an event that came over the
 * bus but is not in the log is not this deployment's, and is dropped. Tests that make
 * events up (rather than recording real transitions) write them here before publishing.
 */
import { jobToJson } from "../../src/domain/job-json.js";
import { connect, type Connection } from "../../src/store/client.js";
import { parseDatabaseUrl, type GatewayEvent } from "../../src/store/index.js";
import { EVENT_COLUMNS } from "../../src/store/event-columns.js";
import { librarySnapshot } from "../../src/store/library-snapshot.js";
import { rawRun } from "./raw-sql.js";

const INSERT = `INSERT INTO "LibraryEvent" (${EVENT_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`;

function row(event: GatewayEvent): Record<(typeof EVENT_COLUMNS)[number], unknown> {
  return {
    id: event.id,
    tenantId: event.tenantId,
    libraryId: event.libraryId,
    backend: event.backend,
    model: event.kind === "JOB" ? event.job.model : event.model,
    previousStatus: event.previousStatus,
    status: event.status,
    rawStatus: event.rawStatus,
    firstActivation: event.kind === "LIBRARY" ? event.firstActivation : false,
    occurredAt: event.occurredAt,
    // A JOB row's library snapshot is not read back (job-event-mapping.ts); the made-up ones have none.
    library: event.kind === "LIBRARY" ? librarySnapshot(event.library) : "{}",
    kind: event.kind,
    jobId: event.kind === "JOB" ? event.jobId : null,
    searchId: event.kind === "JOB" ? event.searchId : null,
    job: event.kind === "JOB" ? JSON.stringify(jobToJson(event.job)) : null,
  };
}

export interface EventLogWriter {
  write(...events: GatewayEvent[]): Promise<void>;
  close(): Promise<void>;
}

export async function eventLogWriter(databaseUrl: string): Promise<EventLogWriter> {
  const connection: Connection = await connect(parseDatabaseUrl(databaseUrl), () => {});
  // The made-up events name libraries that were never inserted.
  await rawRun(connection, "PRAGMA foreign_keys = OFF");
  return {
    async write(...events) {
      for (const event of events) {
        const values = row(event);
        await rawRun(connection, INSERT, EVENT_COLUMNS.map((column) => values[column]));
      }
    },
    close: () => connection.close(),
  };
}
