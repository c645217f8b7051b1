/**
 * GraphQL over WebSocket (graphql-ws) on the same /graphql path as HTTP, for subscriptions.
 * Errors go through the same formatter as HTTP, so a subscription refusal carries the same
 * extensions.code a query would.
 */
import type { GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Server } from "node:http";
import { WebSocketServer } from "ws";
import type { GatewayContext } from "../graphql/context.js";

export interface WebSocketEndpoint {
  /** Closes every socket (code 1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
  readonly connections: number;
}

export function startWebSocketEndpoint(options: {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  context: () => Promise<GatewayContext>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}): WebSocketEndpoint {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));
  const cleanup = useServer(
    {
      schema: options.schema,
      context: () => options.context(),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors as GraphQLError[]) } : result),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wsServer,
  );
  return {
    get connections() {
      return wsServer.clients.size;
    },
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
