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

/**
 * An explicit iterator, not an async generator: a generator suspended in `await` cannot be
 * stopped, so a client's `complete` on a quiet subscription would take effect only at the
 * next event. Here return() closes the live inbox at once, which also ends a pending next().
 */
export function libraryEventStream(relay: EventRelay, store: Store, request: EventStreamRequest): AsyncIterableIterator<LibraryEvent> {
  const { tenantId, filter, after } = request;
  const live = relay.subscribe((event) => matchesFilter(event, tenantId, filter));
  const replayed = new Set<number>();
  let pending: LibraryEvent[] = [];
  let cursor = after;
  let replaying = after !== undefined;
  let closed = false;

  const close = async (): Promise<IteratorResult<LibraryEvent>> => {
    closed = true;
    pending = [];
    await live.return();
    return { value: undefined, done: true };
  };

  const stream: AsyncIterableIterator<LibraryEvent> = {
    async next() {
      while (!closed) {
        if (pending.length > 0) return { value: pending.shift()!, done: false };
        if (replaying) {
          const page = await store.events.listAfter(tenantId, cursor!, filter, REPLAY_PAGE);
          for (const event of page) replayed.add(event.id);
          pending = page;
          cursor = page.at(-1)?.id ?? cursor;
          replaying = page.length === REPLAY_PAGE;
          continue;
        }
        const { value: event, done } = await live.next();
        if (done) break;
        // Already replayed, or at or below the client's cursor (so the client has seen it).
        if (replayed.has(event.id) || (after !== undefined && event.id <= after)) continue;
        return { value: event, done: false };
      }
      return { value: undefined, done: true };
    },
    return: close,
    async throw(error) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
