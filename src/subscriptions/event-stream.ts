/**
 * One subscription's events: with `after`, first the stored events after that id, then
 * live ones, with no gap and no duplicate at the seam. The stream registers with the relay
 * the moment it is made, BEFORE the log is read (and before anyone reads the stream), so an
 * event recorded meanwhile is held rather than missed, and dropped if the replay carried it.
 *
 * It is pushed, never pulled: the reader attaches a sink (the WebSocket endpoint does, see
 * socket-subscription.ts) and live events go to it synchronously as the relay hands them
 * out. Pulling (an async iterator) would cost a promise and a few microtask hops per event
 * and per subscriber, and would run every subscriber's pipeline breadth-first: with 10,000
 * subscribers all 10,000 in flight at once, the first socket write only when nearly all the
 * work is done. Pushing delivers an event to one subscriber to the end (down to its socket)
 * before the next, with no promise at all.
 */
import type { EventFilter, EventOf, GatewayEvent, Store } from "../store/ports.js";
import { matchesFilter } from "./event-filter.js";
import type { EventRelay, RelaySubscriber } from "./event-relay.js";

const REPLAY_PAGE = 500;

/** Where a stream's events go, each synchronously. */
export interface EventSink<T> {
  next(value: T): void;
  /** The stream failed (e.g. the reader fell too far behind); nothing follows. */
  error(error: Error): void;
  /** The stream ended (the relay stopped); nothing follows. */
  complete(): void;
  /**
   * How many hand-overs have not left yet (e.g. batches still in a socket's send buffer).
   * The stream cuts off a reader whose backlog passes its limit instead of growing memory
   * without bound. Absent: the sink buffers nothing.
   */
  backlog?(): number;
  /** Resolves once the backlog is empty, so a replay can be paced. */
  drained?(): Promise<void>;
  /**
   * True when the reader has as much queued as it should take at once (e.g. half a
   * socket's byte allowance): a replay waits for drained() before it hands over more, so a
   * long history of large payloads never trips the reader's cap by itself.
   */
  full?(): boolean;
  /**
   * Sinks with the same group are served one after the other in a fan-out; the sinks of
   * one socket share one, so the frames of one event leave that socket in one write.
   */
  readonly group?: unknown;
}

/** A reader fell more than the relay's subscriberBuffer behind and was cut off. */
export class SubscriberTooSlowError extends Error {
  override readonly name = "SubscriberTooSlowError";
}

export interface EventStreamRequest<F extends EventFilter = EventFilter> {
  tenantId: string;
  /** The kind of event and its narrowing; the tenant is always applied. */
  filter: F;
  /** Replay events with a greater id first; undefined = live only. */
  after?: number;
}

export function eventStream<F extends EventFilter>(relay: EventRelay, store: Store, request: EventStreamRequest<F>): EventStream<EventOf<F>> {
  return new EventStream<EventOf<F>>(relay, store, request);
}

type Ending = { kind: "failed"; error: Error } | { kind: "ended" } | { kind: "closed" };

/** E: the events the filter selects (the relay hands out every kind; the predicate keeps E only). */
export class EventStream<E extends GatewayEvent> implements AsyncIterable<E> {
  private sink: EventSink<E> | undefined;
  /** Live events kept back until a sink is attached and, with `after`, the replay is sent; undefined once they flow. */
  private held: E[] | undefined = [];
  /** Ids the replay sent, so their live copies are dropped; only with `after`. */
  private readonly replayed: Set<number> | undefined;
  private ending: Ending | undefined;
  private readonly asSubscriber: RelaySubscriber;
  private unsubscribe: () => void;
  /** Events (held, or not yet left through the sink) a reader may fall behind before it is cut off. */
  private readonly capacity: number;

  constructor(
    private readonly relay: EventRelay,
    private readonly store: Store,
    private readonly request: EventStreamRequest,
  ) {
    this.capacity = relay.subscriberBuffer;
    if (request.after !== undefined) this.replayed = new Set();
    const { tenantId, filter } = request;
    this.asSubscriber = {
      accepts: (event) => matchesFilter(event, tenantId, filter),
      // The relay delivers only what `accepts` took, so the event is an E.
      deliver: (event) => this.live(event as E),
      end: () => this.finish({ kind: "ended" }),
    };
    this.unsubscribe = relay.subscribe(this.asSubscriber);
  }

  /** Starts the flow to `sink`; one sink per stream. */
  attach(sink: EventSink<E>): void {
    if (this.sink) throw new Error("An event stream has one reader.");
    this.sink = sink;
    if (this.ending) return this.tellSink(this.ending);
    if (sink.group !== undefined) this.unsubscribe = this.relay.subscribe(this.asSubscriber, sink.group);
    if (this.request.after === undefined) this.release();
    else void this.replay(this.request.after);
  }

  /** Ends the flow from the reader's side; the sink hears nothing more. */
  close(): void {
    this.finish({ kind: "closed" });
  }

  /**
   * Present only because graphql-js accepts nothing but an async iterable from a
   * subscription resolver (createSourceEventStream checks for this method and never calls
   * it); the WebSocket endpoint then attaches to the stream itself. Nothing pulls it.
   */
  [Symbol.asyncIterator](): AsyncIterator<E> {
    throw new TypeError("An EventStream is pushed, not pulled: attach a sink (the WebSocket endpoint does).");
  }

  private live(event: E): void {
    if (this.ending) return;
    // At or below the client's cursor (the client has seen it), or already replayed.
    if (this.request.after !== undefined && (event.id <= this.request.after || this.replayed!.has(event.id))) return;
    if (this.held === undefined) return this.send(event);
    if (this.held.length >= this.capacity) return this.finish({ kind: "failed", error: tooSlow(this.capacity) });
    this.held.push(event);
  }

  private send(event: E): void {
    const sink = this.sink!;
    if (sink.backlog && sink.backlog() > this.capacity) return this.finish({ kind: "failed", error: tooSlow(this.capacity) });
    sink.next(event);
  }

  private async replay(after: number): Promise<void> {
    const { tenantId, filter } = this.request;
    let cursor = after;
    try {
      for (;;) {
        const page = await this.store.events.listAfter(tenantId, cursor, filter, REPLAY_PAGE);
        if (this.ending) return;
        for (const event of page) {
          // The log applies the filter's columns; the predicate the rest (e.g. a job's kind).
          if (!matchesFilter(event, tenantId, filter)) continue;
          this.replayed!.add(event.id);
          this.sink!.next(event as E);
          if (this.sink!.full?.()) {
            await this.sink!.drained?.();
            if (this.ending) return;
          }
        }
        if (page.length < REPLAY_PAGE) break;
        cursor = page.at(-1)!.id;
        // A long history goes out no faster than the reader takes it.
        await this.sink!.drained?.();
        if (this.ending) return;
      }
    } catch (error) {
      return this.finish({ kind: "failed", error: error instanceof Error ? error : new Error(String(error)) });
    }
    this.release();
  }

  /** Sends what was held back, then lets live events through as they come. */
  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const event of held) {
      if (this.ending) return;
      if (!this.replayed?.has(event.id)) this.send(event);
    }
  }

  private finish(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    this.held = undefined;
    this.unsubscribe();
    if (this.sink) this.tellSink(ending);
  }

  private tellSink(ending: Ending): void {
    if (ending.kind === "failed") this.sink!.error(ending.error);
    else if (ending.kind === "ended") this.sink!.complete();
  }
}

function tooSlow(capacity: number): SubscriberTooSlowError {
  return new SubscriberTooSlowError(`The subscriber fell ${capacity} events behind and was disconnected; resubscribe with after: <last eventId>.`);
}
