/**
 * GraphQL over WebSocket (graphql-ws) on the same /graphql path as HTTP, for subscriptions.
 * Errors go through the same formatter as HTTP, so a subscription refusal carries the same
 * extensions.code a query would.
 */
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Server } from "node:http";
import { WebSocketServer } from "ws";
import type { GatewayContext } from "../graphql/context.js";
import { limitMessage, limitReason } from "../graphql/errors.js";

/** What a client may send in graphql-transport-ws. */
const CLIENT_MESSAGE_TYPES = new Set(["connection_init", "ping", "pong", "subscribe", "complete"]);

export interface WebSocketEndpoint {
  /** Closes every socket (code 1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
  readonly connections: number;
}

export function startWebSocketEndpoint(options: {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  /** The tenant of a connection, from its connection_init payload; throws to refuse it. */
  authenticate: (connectionParams: Record<string, unknown> | undefined) => Promise<string>;
  context: (tenantId: string) => Promise<GatewayContext>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The abuse limits HTTP applies, applied here too. */
  validationRules: readonly ValidationRule[];
  maxMessageBytes: number;
  maxTokens: number;
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerTenant: number;
}): WebSocketEndpoint {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  // graphql-ws answers a message only a server may send (next, error, connection_ack) by
  // throwing, which closes the socket with 4500 Internal server error. Registered before
  // useServer, this listener sees each message first and closes such a socket with 4400, as
  // the protocol says for an invalid message; graphql-ws's own 4500 close then does nothing.
  wsServer.on("connection", (socket) => {
    socket.on("message", (data) => {
      let type: unknown;
      try {
        type = (JSON.parse(String(data)) as { type?: unknown } | null)?.type;
      } catch {
        return; // not JSON: graphql-ws closes with 4400 itself
      }
      if (typeof type === "string" && !CLIENT_MESSAGE_TYPES.has(type)) socket.close(4400, `A client may not send a message of type ${type.slice(0, 40)}`);
    });
  });
  const rules = [...specifiedRules, ...options.validationRules];
  // Live subscriptions per tenant on this instance (the cap is per instance).
  const perTenant = new Map<string, number>();
  const release = (extra: { tenantId?: string; active?: Set<string> }, id: string) => {
    if (!extra.active?.delete(id)) return;
    const left = (perTenant.get(extra.tenantId!) ?? 1) - 1;
    if (left > 0) perTenant.set(extra.tenantId!, left);
    else perTenant.delete(extra.tenantId!);
  };
  const refuse = (message: string) => [new GraphQLError(message, { extensions: { code: "FORBIDDEN", reason: "SUBSCRIPTION_LIMIT" } })];
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));
  const cleanup = useServer<Record<string, unknown> | undefined, { tenantId?: string; active?: Set<string> }>(
    {
      schema: options.schema,
      // Same rules as HTTP: the Authorization value travels in connection_init. A refusal
      // closes the socket with 4403 Forbidden before any operation runs.
      onConnect: async (ctx) => {
        try {
          ctx.extra.tenantId = await options.authenticate(ctx.connectionParams);
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => options.context(ctx.extra.tenantId!),
      // A place is reserved when the subscribe message arrives (so a burst of them cannot
      // slip past the cap), and freed when the operation completes, also when the socket
      // closes abruptly, or when it fails before it starts.
      onSubscribe: async (ctx, id, payload) => {
        const active = (ctx.extra.active ??= new Set());
        const tenantId = ctx.extra.tenantId!;
        // Parsed and validated here: graphql-ws would treat a syntax error as an internal
        // failure and drop the whole connection (4500) instead of answering the operation.
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens, noLocation: true });
        } catch (error) {
          const reason = limitReason((error as Error).message);
          const message = reason ? limitMessage((error as Error).message) : (error as Error).message;
          return [new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", reason: reason ?? "GRAPHQL_PARSE_FAILED" } })];
        }
        const invalid = validate(options.schema, document, rules);
        if (invalid.length > 0) return invalid.map((error) => new GraphQLError(error.message, { extensions: options.formatError(error.toJSON(), error).extensions }));
        if (active.size >= options.maxSubscriptionsPerConnection) {
          return refuse(`This connection already has ${active.size} operations, the limit per connection; complete one first or open another connection.`);
        }
        if ((perTenant.get(tenantId) ?? 0) >= options.maxSubscriptionsPerTenant) {
          return refuse(`This tenant already has ${options.maxSubscriptionsPerTenant} subscriptions on this instance, the limit per tenant.`);
        }
        active.add(id);
        perTenant.set(tenantId, (perTenant.get(tenantId) ?? 0) + 1);
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await options.context(tenantId),
        };
      },
      onComplete: (ctx, id) => release(ctx.extra, id),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors as GraphQLError[]) } : result),
      onError: (ctx, id, _payload, errors) => {
        release(ctx.extra, id);
        return format(errors);
      },
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
