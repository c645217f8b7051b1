/** LibraryEvent as it travels between instances: JSON, with dates as ISO strings. */
import type { Library } from "../domain/library.js";
import type { LibraryEvent } from "../store/ports.js";

export type WireLibrary = Omit<Library, "createdAt" | "updatedAt" | "activatedAt"> & {
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
};

export type WireLibraryEvent = Omit<LibraryEvent, "occurredAt" | "library"> & { occurredAt: string; library: WireLibrary };

export function toWire(event: LibraryEvent): WireLibraryEvent {
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

export function fromWire(wire: WireLibraryEvent): LibraryEvent {
  const { library } = wire;
  return {
    ...wire,
    occurredAt: new Date(wire.occurredAt),
    library: {
      ...library,
      createdAt: new Date(library.createdAt),
      updatedAt: new Date(library.updatedAt),
      activatedAt: library.activatedAt ? new Date(library.activatedAt) : null,
    },
  };
}
