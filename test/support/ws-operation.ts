/**
 * Queries and mutations over graphql-ws, answered like an HTTP response ({ data, errors }),
 * so one test can send the same operation over either transport and compare.
 */
import { print, type DocumentNode } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { GraphQLResponse, Harness } from "./gateway-harness.js";

export interface SocketClient {
  client: Client;
  /** Close events seen by the client ({ code, reason }), in order. */
  closes: Array<{ code: number; reason: string }>;
}

/** A client that never reconnects and records how the server closed it. */
export function openSocket(graphqlUrl: string, connectionParams?: Record<string, unknown>): SocketClient {
  const closes: SocketClient["closes"] = [];
  const client = createClient({
    url: graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: { closed: (event) => closes.push({ code: (event as { code: number }).code, reason: String((event as { reason?: string }).reason ?? "") }) },
  });
  return { client, closes };
}

/** One operation over the socket; an operation-level refusal comes back as `errors`. */
export function wsExecute<T = Record<string, any>>(
  client: Client,
  document: string | DocumentNode,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const query = typeof document === "string" ? document : print(document);
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse<T> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => (result = value as GraphQLResponse<T>),
        // graphql-ws hands the `error` message's payload (an array of errors) or a close event.
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(result ?? {}),
      },
    );
  });
}

/** The same operation over HTTP, with an Authorization header. */
export async function httpExecute<T = Record<string, any>>(
  h: Harness,
  key: string | undefined,
  document: string | DocumentNode,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const query = typeof document === "string" ? document : print(document);
  const response = await h.post(JSON.stringify({ query, variables }), key ? { authorization: `Bearer ${key}` } : {});
  return (await response.json()) as GraphQLResponse<T>;
}
