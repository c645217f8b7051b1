/**
 * A GatewayEvent as it travels between instances: JSON, with dates as ISO strings. A job
 * travels in the same JSON shape as in the event log (src/domain/job-json.ts).
 */
import { jobFromJson, jobToJson, type JobJson } from "../domain/job-json.js";
import type { Library } from "../domain/library.js";
import type { JobEvent } from "../store/job-ports.js";
import type { GatewayEvent, LibraryEvent } from "../store/ports.js";

export type WireLibrary = Omit<Library, "createdAt" | "updatedAt" | "activatedAt"> & {
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
};

export type WireLibraryEvent = Omit<LibraryEvent, "occurredAt" | "library"> & { occurredAt: string; library: WireLibrary };
export type WireJobEvent = Omit<JobEvent, "occurredAt" | "job"> & { occurredAt: string; job: JobJson };
export type WireEvent = WireLibraryEvent | WireJobEvent;

export function toWire(event: GatewayEvent): WireEvent {
  if (event.kind === "JOB") return { ...event, occurredAt: event.occurredAt.toISOString(), job: jobToJson(event.job) };
  const { library } = event;
  return {
    ...event,
    occurredAt: event.occurredAt.toISOString(),
    library: {
      ...library,
      createdAt: library.createdAt.toISOString(),
      updatedAt: library.updatedAt.toISOString(),
      activatedAt: library.activatedAt?.toISOString() ?? null,
    },
  };
}

export function fromWire(wire: WireEvent): GatewayEvent {
  if (wire.kind === "JOB") return { ...wire, occurredAt: new Date(wire.occurredAt), job: jobFromJson(wire.job) };
  const { library } = wire;
  return {
    ...wire,
    // An instance from before job events publishes library events without a kind.
    kind: "LIBRARY",
    occurredAt: new Date(wire.occurredAt),
    library: {
      ...library,
      createdAt: new Date(library.createdAt),
      updatedAt: new Date(library.updatedAt),
      activatedAt: library.activatedAt ? new Date(library.activatedAt) : null,
    },
  };
}
