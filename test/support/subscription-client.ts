/** A graphql-ws client for tests: subscribe, collect what arrives, wait for a condition. */
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

export function subscribe<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}, pick = (data: any) => Object.values(data)[0] as T): Collected<T> {
  const collected: Collected<T> = {
    events: [],
    errors: [],
    completed: false,
    waitFor: (n, timeoutMs = 10_000) => eventually(async () => (collected.events.length >= n ? collected.events : undefined), timeoutMs, 20),
    stop: () => dispose(),
  };
  const dispose = client.subscribe<any>(
    { query, variables },
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
