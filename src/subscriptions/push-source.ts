/**
 * A subscription's events pushed to one reader, synchronously, as the relay hands them out.
 *
 * Pulling (an async iterator) costs a promise and a few microtask hops per event and per
 * subscriber, and it runs every subscriber's pipeline breadth-first: with 10,000
 * subscribers all 10,000 are in flight at once, and the first socket write happens only
 * when nearly all the work is done. Pushing delivers each event to a subscriber to the end
 * (down to its socket) before the next subscriber, with no promise at all.
 */

export interface EventSink<T> {
  next(value: T): void;
  /** The source failed (e.g. the reader fell too far behind); nothing follows. */
  error(error: Error): void;
  /** The source ended (the relay stopped); nothing follows. */
  complete(): void;
  /**
   * How many hand-overs have not left yet (e.g. batches still in a socket's send buffer).
   * A source cuts off a reader whose backlog passes its limit instead of growing memory
   * without bound. Absent: the sink buffers nothing.
   */
  backlog?(): number;
  /** Resolves once the backlog is empty, so a source can pace a long replay. */
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

export interface PushSource<T> {
  /** Starts the flow to `sink`; at most one sink per source. */
  attach(sink: EventSink<T>): void;
  /** Ends the flow from the reader's side; the sink hears nothing more. */
  close(): void;
}

export function isPushSource<T = unknown>(value: unknown): value is PushSource<T> {
  return typeof (value as PushSource<T> | null)?.attach === "function" && typeof (value as PushSource<T>).close === "function";
}

/**
 * Any async iterable as a push source, for event streams that only know how to be pulled.
 * close() calls the iterator's return(), which ends a pending next() in well-behaved
 * iterators (Repeater, EventQueue) at once.
 */
export function pushFromIterable<T>(iterable: AsyncIterable<T>): PushSource<T> {
  const iterator = iterable[Symbol.asyncIterator]();
  let closed = false;
  return {
    attach(sink) {
      void (async () => {
        try {
          for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
            if (closed) return;
            sink.next(step.value);
          }
          if (!closed) sink.complete();
        } catch (error) {
          if (!closed) sink.error(error instanceof Error ? error : new Error(String(error)));
        }
      })();
    },
    close() {
      if (closed) return;
      closed = true;
      void Promise.resolve(iterator.return?.()).catch(() => {});
    },
  };
}
