/**
 * One subscription's events: with `after`, first the stored events after that id, then
 * live ones, with no gap and no duplicate at the seam. The live inbox is registered
 * BEFORE the log is read, so an event recorded during the replay is buffered rather than
 * missed, and dropped if the replay already carried it.
 */
import type { LibraryEvent, LibraryEventFilter, Store } from "../store/ports.js";
import type { EventRelay } from "./event-relay.js";

const REPLAY_PAGE = 500;

export interface EventStreamRequest {
  tenantId: string;
  filter: LibraryEventFilter;
  /** Replay events with a greater id first; undefined = live only. */
  after?: number;
}

export function matchesFilter(event: LibraryEvent, tenantId: string, filter: LibraryEventFilter): boolean {
  return (
    event.tenantId === tenantId &&
    (!filter.firstActivationOnly || event.firstActivation) &&
    (!filter.backend || event.backend === filter.backend) &&
    (!filter.model || event.model === filter.model) &&
    (!filter.libraryIds || filter.libraryIds.includes(event.libraryId))
  );
}

export async function* libraryEventStream(relay: EventRelay, store: Store, request: EventStreamRequest): AsyncGenerator<LibraryEvent> {
  const { tenantId, filter, after } = request;
  const live = relay.subscribe((event) => matchesFilter(event, tenantId, filter));
  try {
    const replayed = new Set<number>();
    if (after !== undefined) {
      let cursor = after;
      for (;;) {
        const page = await store.events.listAfter(tenantId, cursor, filter, REPLAY_PAGE);
        for (const event of page) {
          replayed.add(event.id);
          cursor = event.id;
          yield event;
        }
        if (page.length < REPLAY_PAGE) break;
      }
    }
    for await (const event of live) {
      // Already replayed, or at or below the client's cursor (so the client has seen it).
      if (replayed.has(event.id) || (after !== undefined && event.id <= after)) continue;
      yield event;
    }
  } finally {
    await live.return();
  }
}
