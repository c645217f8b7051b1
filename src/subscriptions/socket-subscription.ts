/**
 * One graphql-ws subscription fed by push: each event becomes a `next` frame written
 * straight to the subscriber's socket, with the payload shared by every subscriber of the
 * same shape (see shared-payloads.ts). The frame is the one graphql-ws would send.
 *
 * graphql-ws still owns the operation: it gets an async iterator that never yields and
 * only tells how the operation ends (done when the relay stops, rejected when the source
 * fails, e.g. a subscriber too slow), so `complete`, errors, the per-connection bookkeeping
 * and the close codes stay graphql-ws's. Its return() (client `complete`, socket closed)
 * closes the source.
 */
import type { ExecutionResult } from "graphql";
import type { GatewayEvent } from "../store/ports.js";
import type { EventSink, EventStream } from "./event-stream.js";
import type { ExecutionShape, SharedPayload, SharedPayloads } from "./shared-payloads.js";
import type { SocketWriter } from "./socket-writer.js";

export function deliverOverSocket(
  source: EventStream<GatewayEvent>,
  options: { id: string; shape: ExecutionShape; payloads: SharedPayloads; writer: SocketWriter },
): AsyncIterableIterator<ExecutionResult> {
  const operation = new OperationOutcome(() => source.close());
  source.attach(new SocketSink(options.id, options.shape, options.payloads, options.writer, operation));
  return operation;
}

/** An operation that ends at once with `failure` (graphql-ws answers it with an error message). */
export function failedOperation(failure: Error): AsyncIterableIterator<ExecutionResult> {
  const operation = new OperationOutcome(() => {});
  operation.end(failure);
  return operation;
}

class SocketSink implements EventSink<GatewayEvent> {
  /** `{"id":…,"type":"next","payload":` — everything of the frame but the payload. */
  private readonly framePrefix: string;
  /** Payloads held back behind one that has not settled yet; written in order as they settle. */
  private waiting: SharedPayload[] | undefined;
  /** How the operation ends once the waiting payloads are out. */
  private ending: { error?: Error } | undefined;
  /** Told when the waiting payloads are out (written, or the operation ended). */
  private flushed: Array<() => void> = [];

  constructor(
    id: string,
    private readonly shape: ExecutionShape,
    private readonly payloads: SharedPayloads,
    private readonly writer: SocketWriter,
    private readonly operation: OperationOutcome,
  ) {
    this.framePrefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  next(event: GatewayEvent): void {
    const payload = this.payloads.payloadFor(event, this.shape);
    if (this.waiting === undefined && payload.json !== undefined) return this.write(payload.json);
    if (this.waiting !== undefined) return void this.waiting.push(payload);
    this.waiting = [payload];
    payload.onSettled(this.flush);
  }

  error(error: Error): void {
    this.endAfterWaiting({ error });
  }

  complete(): void {
    this.endAfterWaiting({});
  }

  backlog(): number {
    return this.writer.backlog + (this.waiting?.length ?? 0);
  }

  /** Once the waiting payloads are written and, if the socket holds much, it has drained. */
  async drained(): Promise<void> {
    if (this.waiting !== undefined) await new Promise<void>((resolve) => this.flushed.push(resolve));
    if (this.writer.full || this.writer.backlog > 0) await this.writer.drained();
  }

  /**
   * A payload still executing has no size yet: a replay waits for it before it hands over
   * the next event, or a page of 500 would all be written at once when they settle.
   */
  full(): boolean {
    return this.waiting !== undefined || this.writer.full;
  }

  /** The subscriptions of one socket are served together: one write per socket and event. */
  get group(): SocketWriter {
    return this.writer;
  }

  private write(json: string): void {
    if (!this.operation.ended) this.writer.write(this.framePrefix + json + "}");
  }

  private endAfterWaiting(ending: { error?: Error }): void {
    if (this.waiting) this.ending ??= ending;
    else this.operation.end(ending.error);
  }

  /** Writes the waiting payloads that have settled, in order; waits again on the first that has not. */
  private readonly flush = (): void => {
    const waiting = this.waiting!;
    while (waiting.length > 0) {
      const head = waiting[0];
      if (!head.settled) return head.onSettled(this.flush);
      waiting.shift();
      if (head.failure) {
        this.waiting = undefined;
        this.operation.end(head.failure);
        return this.wakeFlushed();
      }
      this.write(head.json!);
    }
    this.waiting = undefined;
    if (this.ending) this.operation.end(this.ending.error);
    this.wakeFlushed();
  };

  private wakeFlushed(): void {
    for (const resolve of this.flushed.splice(0)) resolve();
  }
}

/** The async iterator graphql-ws drives: yields nothing, settles when the operation ends. */
class OperationOutcome implements AsyncIterableIterator<ExecutionResult> {
  ended = false;
  private failure: Error | undefined;
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: Error) => void } | undefined;

  /** `closeSource` is idempotent: the source may have ended the operation itself. */
  constructor(private readonly closeSource: () => void) {}

  end(failure?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.closeSource();
    this.failure = failure;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    if (failure) {
      this.failure = undefined;
      waiting.reject(failure);
    } else {
      waiting.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
