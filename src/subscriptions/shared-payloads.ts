/**
 * Executes and serializes a subscription's payload once per event and "shape", not once per
 * subscriber. Subscribers of one shape (same tenant, same document, same operation name,
 * same variables) get the same answer for the same event, so 10,000 subscribers of one
 * document cost one execute and one JSON.stringify per event instead of 10,000 of each.
 *
 * Keyed by the event object: the relay hands the very same object to every subscriber, so
 * the entry lives exactly as long as the event is being fanned out and is then collected
 * with it (a WeakMap). Replayed events are each subscriber's own objects and are executed
 * for that subscriber alone, which is correct, only not shared.
 *
 * The tenant is part of the shape because execution gets the tenant's context; every
 * event is executed with a fresh context, as a request would be, so no DataLoader cache
 * outlives one event.
 */
import type { ExecutionArgs, ExecutionResult } from "graphql";
import { execute } from "graphql";
import type { GatewayContext } from "../graphql/context.js";
import { formatErrors, type ErrorFormatter } from "../graphql/errors.js";

export interface ExecutionShape {
  /** Equal keys = interchangeable answers. */
  readonly key: string;
  readonly tenantId: string;
  readonly args: Omit<ExecutionArgs, "rootValue" | "contextValue">;
}

/**
 * The JSON of a `next` message's payload for one event and shape. Execution may finish
 * later (type-graphql resolves arguments asynchronously); readers then wait on the payload
 * itself, all of them woken in one loop when it settles, rather than one promise each.
 */
export class SharedPayload {
  json: string | undefined;
  failure: Error | undefined;
  private waiting: Array<() => void> | undefined;

  constructor(outcome: string | Promise<string>) {
    if (typeof outcome === "string") {
      this.json = outcome;
      return;
    }
    outcome.then(
      (json) => this.settle(json, undefined),
      (error: unknown) => this.settle(undefined, error instanceof Error ? error : new Error(String(error))),
    );
  }

  get settled(): boolean {
    return this.json !== undefined || this.failure !== undefined;
  }

  /** Calls `wake` once the payload has settled (at once if it has). */
  onSettled(wake: () => void): void {
    if (this.settled) wake();
    else (this.waiting ??= []).push(wake);
  }

  private settle(json: string | undefined, failure: Error | undefined): void {
    this.json = json;
    this.failure = failure;
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const wake of waiting) wake();
  }
}

export class SharedPayloads {
  private readonly byEvent = new WeakMap<object, Map<string, SharedPayload>>();

  constructor(
    private readonly context: (tenantId: string) => GatewayContext | Promise<GatewayContext>,
    private readonly formatError: ErrorFormatter,
  ) {}

  /** Subscribers that share `shape.key` share the answer; the first one computes it. */
  payloadFor(event: object, shape: ExecutionShape): SharedPayload {
    let byShape = this.byEvent.get(event);
    if (!byShape) this.byEvent.set(event, (byShape = new Map()));
    let payload = byShape.get(shape.key);
    if (payload === undefined) {
      payload = new SharedPayload(this.compute(event, shape));
      byShape.set(shape.key, payload);
    }
    return payload;
  }

  private compute(event: object, shape: ExecutionShape): string | Promise<string> {
    try {
      const context = this.context(shape.tenantId);
      if (context instanceof Promise) return context.then((resolved) => this.run(event, shape, resolved));
      return this.run(event, shape, context);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private run(event: object, shape: ExecutionShape, contextValue: GatewayContext): string | Promise<string> {
    const result = execute({ ...shape.args, rootValue: event, contextValue });
    return result instanceof Promise ? result.then((settled) => this.serialize(settled)) : this.serialize(result);
  }

  /** As graphql-ws would send it, errors through the gateway's formatter. */
  private serialize(result: ExecutionResult): string {
    if (!result.errors) return JSON.stringify(result);
    return JSON.stringify({ ...result, errors: formatErrors(this.formatError, result.errors) });
  }
}
