/**
 * A GatewayEvent as it travels between instances: JSON, with dates as ISO strings. A library
 * and a job travel in the same JSON shapes as in the event log (src/domain/library-event.ts,
 * src/domain/job-json.ts); the library is checked on arrival by the one codec that checks the
 * log's snapshots, since another instance (perhaps another version) wrote it.
 */
import { jobFromJson, jobToJson, type JobJson } from "../domain/job-json.js";
import { libraryFromJson, libraryToJson, type LibraryEvent, type LibraryJson } from "../domain/library-event.js";
import type { JobEvent } from "../store/job-ports.js";
import type { GatewayEvent } from "../store/ports.js";

export type WireLibraryEvent = Omit<LibraryEvent, "occurredAt" | "library"> & { occurredAt: string; library: LibraryJson };
export type WireJobEvent = Omit<JobEvent, "occurredAt" | "job"> & { occurredAt: string; job: JobJson };
export type WireEvent = WireLibraryEvent | WireJobEvent;

export function toWire(event: GatewayEvent): WireEvent {
  if (event.kind === "JOB") return { ...event, occurredAt: event.occurredAt.toISOString(), job: jobToJson(event.job) };
  return { ...event, occurredAt: event.occurredAt.toISOString(), library: libraryToJson(event.library) };
}

/** Throws when the library in a library event is not a valid snapshot. */
export function fromWire(wire: WireEvent): GatewayEvent {
  if (wire.kind === "JOB") return { ...wire, occurredAt: new Date(wire.occurredAt), job: jobFromJson(wire.job) };
  return {
    ...wire,
    // An instance from before job events publishes library events without a kind.
    kind: "LIBRARY",
    occurredAt: new Date(wire.occurredAt),
    library: libraryFromJson(wire.library, `Event ${wire.id} from the bus: library`),
  };
}
