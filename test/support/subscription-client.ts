/** A graphql-ws client for tests: subscribe, collect what arrives, wait for a condition. */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { eventually } from "./gateway-harness.js";

export interface Collected<T = any> {
  events: T[];
  errors: unknown[];
  completed: boolean;
  /** Resolves when at least n events arrived (or rejects after the timeout). */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export function connect(graphqlUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // A non-lazy client reports a closed socket (e.g. the server going away with 1001) here;
    // the default prints it. Subscriptions see the close through their own error callback.
    onNonLazyError: () => {},
  });
}

/** The payload of a subscription's (single) root field. */
type RootValue<R> = R extends Record<string, infer V> ? V : never;

/**
 * Subscribes and collects what arrives. With a generated document (src/client/generated) the
 * variables and the events are typed: each event is the value of the root field.
 */
export function subscribe<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables?: V): Collected<RootValue<R>>;
export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>, pick?: (data: any) => T): Collected<T>;
export function subscribe(
  client: Client,
  document: string | TypedDocumentNode<unknown, unknown>,
  variables: unknown = {},
  pick = (data: any) => Object.values(data)[0],
): Collected<unknown> {
  const query = typeof document === "string" ? document : print(document);
  const collected: Collected<unknown> = {
    events: [],
    errors: [],
    completed: false,
    waitFor: (n, timeoutMs = 10_000) => eventually(async () => (collected.events.length >= n ? collected.events : undefined), timeoutMs, 20),
    stop: () => dispose(),
  };
  const dispose = client.subscribe<any>(
    { query, variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors) collected.errors.push(...result.errors);
        if (result.data) collected.events.push(pick(result.data));
      },
      error: (error) => collected.errors.push(error),
      complete: () => (collected.completed = true),
    },
  );
  return collected;
}

/** Waits until the server has registered the subscription (a no-op query round trip after subscribe is not enough over WS). */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

/** The relay's subscriber count once earlier tests' stops have reached the server. */
export async function settledSubscriberCount(relay: { readonly subscriberCount: number }): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const now = relay.subscriberCount;
    if (now === last) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the subscriber count did not settle");
}
