/**
 * GraphQL over WebSocket (graphql-ws) on the same /graphql path as HTTP, for subscriptions.
 * Errors go through the same formatter as HTTP, so a subscription refusal carries the same
 * extensions.code a query would.
 *
 * Fan-out: graphql-ws runs the subscribe phase (arguments, the resolver's `subscribe`),
 * then each event is pushed straight to the socket (socket-subscription.ts), executed and
 * serialized once per event for every subscriber of the same shape (shared-payloads.ts),
 * and written in one batch per socket (socket-writer.ts). Documents are parsed and
 * validated once per distinct query text (subscription-documents.ts).
 */
import { createSourceEventStream, GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import type { Server } from "node:http";
import WebSocket, { WebSocketServer } from "ws";
import { isPushSource, pushFromIterable } from "../events/push-source.js";
import type { GatewayContext } from "../graphql/context.js";
import { SharedPayloads, type ExecutionShape } from "./shared-payloads.js";
import { serveGraphqlWs } from "./graphql-ws-transport.js";
import { deliverOverSocket } from "./socket-subscription.js";
import { SocketWriter } from "./socket-writer.js";
import { DocumentCache } from "./subscription-documents.js";

export interface WebSocketEndpoint {
  /** Closes every socket (code 1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
  readonly connections: number;
  /** Bytes written to every socket and not yet taken by the kernel. */
  readonly queuedBytes: number;
}

export function startWebSocketEndpoint(options: {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  /** The tenant of a connection, from its connection_init payload; throws to refuse it. */
  authenticate: (connectionParams: Record<string, unknown> | undefined) => Promise<string>;
  /** A fresh context for a tenant; synchronous keeps each event's fan-out free of promises. */
  context: (tenantId: string) => GatewayContext | Promise<GatewayContext>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** The abuse limits HTTP applies, applied here too. */
  validationRules: readonly ValidationRule[];
  maxMessageBytes: number;
  maxTokens: number;
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerTenant: number;
  /** Bytes one socket may have queued before it is closed with 4413 (socket-writer.ts). */
  maxQueuedBytes: number;
  /** Told each time a socket is closed for being too slow. */
  onTooSlow?: () => void;
  log: Pick<Logger, "warn" | "debug">;
}): WebSocketEndpoint {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  const documents = new DocumentCache({
    schema: options.schema,
    validationRules: options.validationRules,
    maxTokens: options.maxTokens,
    formatError: options.formatError,
  });
  const payloads = new SharedPayloads(options.context, options.formatError);
  const writers = new WeakMap<WebSocket, SocketWriter>();
  const writerFor = ({ socket, request }: Extra) => {
    let writer = writers.get(socket);
    if (!writer) {
      const onTooSlow = (queuedBytes: number) => {
        options.log.debug({ queuedBytes, limit: options.maxQueuedBytes }, "WebSocket closed: the client fell too far behind (4413)");
        options.onTooSlow?.();
      };
      writers.set(socket, (writer = new SocketWriter(socket, request.socket, { maxQueuedBytes: options.maxQueuedBytes, onTooSlow })));
    }
    return writer;
  };
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
  const cleanup = serveGraphqlWs<Record<string, unknown> | undefined, { tenantId?: string; active?: Set<string> }>(
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
        const document = documents.get(payload.query);
        if (Array.isArray(document)) return document as readonly GraphQLError[];
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
          document: document as ExecutionArgs["document"],
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await options.context(tenantId),
        };
      },
      // Only the subscribe phase; the events are executed in onOperation's fan-out.
      subscribe: (args) => createSourceEventStream(args) as Promise<AsyncIterable<ExecutionResult> | ExecutionResult>,
      onOperation: (ctx, id, payload, args, result) => {
        if (!isAsyncIterable(result)) return; // a query, or the subscribe phase's errors
        const source = isPushSource<object>(result) ? result : pushFromIterable<object>(result);
        const shape: ExecutionShape = {
          key: shapeKey(ctx.extra.tenantId!, payload.query, payload.operationName, payload.variables),
          tenantId: ctx.extra.tenantId!,
          args: { schema: args.schema, document: args.document, operationName: args.operationName, variableValues: args.variableValues },
        };
        return deliverOverSocket(source, { id, shape, payloads, writer: writerFor(ctx.extra) });
      },
      onComplete: (ctx, id) => release(ctx.extra, id),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors as GraphQLError[]) } : result),
      onError: (ctx, id, _payload, errors) => {
        release(ctx.extra, id);
        return format(errors);
      },
    },
    wsServer,
    { log: options.log },
  );
  return {
    get connections() {
      return wsServer.clients.size;
    },
    get queuedBytes() {
      let total = 0;
      for (const socket of wsServer.clients) total += socket.bufferedAmount;
      return total;
    },
    async close() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function";
}

/** Subscribers with the same key get the same payload for the same event (see shared-payloads.ts). */
function shapeKey(tenantId: string, query: string, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): string {
  return JSON.stringify([tenantId, operationName ?? null, variables ?? null, query]);
}
