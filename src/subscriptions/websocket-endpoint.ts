/**
 * GraphQL over WebSocket (graphql-ws) on the same /graphql path as HTTP, for subscriptions
 * (and any query or mutation a client sends over the socket). Every operation passes the
 * same operation guard as over HTTP (operation-guard.ts): the same parse and validation
 * limits, one point of the tenant's rate limit, the same error formatter. A socket opened
 * with a JWT is closed when the token expires (socket-expiry.ts).
 *
 * Fan-out: graphql-ws runs the subscribe phase (arguments, the resolver's `subscribe`),
 * then each event is pushed straight to the socket (socket-subscription.ts), executed and
 * serialized once per event for every subscriber of the same shape (shared-payloads.ts),
 * and written in one batch per socket (socket-writer.ts). Documents are parsed and
 * validated once per distinct query text (document-cache.ts).
 */
import { createSourceEventStream, getOperationAST, GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import type { IncomingMessage, Server } from "node:http";
import WebSocket, { WebSocketServer } from "ws";
import { EventStream } from "./event-stream.js";
import type { GatewayContext } from "../graphql/context.js";
import { formatErrors } from "../graphql/errors.js";
import { SharedPayloads, type ExecutionShape } from "./shared-payloads.js";
import { serveGraphqlWs } from "./graphql-ws-transport.js";
import type { OperationGuard } from "../server/operation-guard.js";
import { closeAtExpiry, closeExpired } from "./socket-expiry.js";
import { deliverOverSocket, failedOperation } from "./socket-subscription.js";
import { SocketWriter } from "./socket-writer.js";
import { DocumentCache } from "./document-cache.js";

export interface WebSocketEndpoint {
  /** Closes every socket (code 1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
  readonly connections: number;
  /** Bytes written to every socket and not yet taken by the kernel. */
  readonly queuedBytes: number;
}

/** Who opened a socket, decided once, at connection_init. */
export interface SocketCaller {
  tenantId: string;
  /** The federation router proved itself (router secret): see GatewayContext.router. */
  router: boolean;
  /** The JWT's expiry (ms since the epoch): the socket is closed then. */
  expiresAt?: number;
}

type SocketState = { tenantId?: string; router?: boolean; expiresAt?: number; active?: Set<string> };

export function startWebSocketEndpoint(options: {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  /** The caller of a connection, from its connection_init payload and upgrade request; throws to refuse it. */
  authenticate: (connectionParams: Record<string, unknown> | undefined, request: IncomingMessage) => Promise<SocketCaller>;
  /** A fresh context for a tenant; synchronous keeps each event's fan-out free of promises. */
  context: (tenantId: string, router?: boolean) => GatewayContext | Promise<GatewayContext>;
  /** What every operation passes, as over HTTP. */
  guard: Pick<OperationGuard, "maxTokens" | "validationRules" | "formatError" | "admit">;
  maxMessageBytes: number;
  maxSubscriptionsPerConnection: number;
  maxSubscriptionsPerTenant: number;
  /** Bytes one socket may have queued before it is closed with 4413 (socket-writer.ts). */
  maxQueuedBytes: number;
  /** Told each time a socket is closed for being too slow. */
  onTooSlow?: () => void;
  log: Pick<Logger, "warn" | "debug">;
}): WebSocketEndpoint {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxMessageBytes });
  const { guard } = options;
  const documents = new DocumentCache({
    schema: options.schema,
    validationRules: guard.validationRules,
    maxTokens: guard.maxTokens,
  });
  const payloads = new SharedPayloads(options.context, guard.formatError);
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
  const format = (errors: readonly GraphQLError[]) => formatErrors(guard.formatError, errors);
  /** The guard's admission (the rate limit), as the errors to answer the operation with, if refused. */
  const admit = async (tenantId: string, document: DocumentNode, operationName: string | null | undefined) => {
    // An operation the document does not hold is refused by graphql-ws, uncounted, as Apollo does.
    if (!getOperationAST(document, operationName)) return null;
    try {
      await guard.admit(tenantId);
      return null;
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError("The operation could not be admitted.", { originalError: error as Error })];
    }
  };
  const cleanup = serveGraphqlWs<Record<string, unknown> | undefined, SocketState>(
    {
      schema: options.schema,
      // Same rules as HTTP: the Authorization value travels in connection_init. A refusal
      // closes the socket with 4403 Forbidden before any operation runs.
      onConnect: async (ctx) => {
        try {
          const caller = await options.authenticate(ctx.connectionParams, ctx.extra.request);
          ctx.extra.tenantId = caller.tenantId;
          ctx.extra.router = caller.router;
          if (caller.expiresAt !== undefined) {
            ctx.extra.expiresAt = caller.expiresAt;
            closeAtExpiry(ctx.extra.socket, caller.expiresAt);
          }
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx) => options.context(ctx.extra.tenantId!, ctx.extra.router),
      // A place is reserved when the subscribe message arrives (so a burst of them cannot
      // slip past the cap), and freed when the operation completes, also when the socket
      // closes abruptly, or when it fails before it starts.
      onSubscribe: async (ctx, id, payload) => {
        const active = (ctx.extra.active ??= new Set());
        const tenantId = ctx.extra.tenantId!;
        // The expiry timer may lag behind a busy event loop; an expired token runs nothing.
        if (ctx.extra.expiresAt !== undefined && Date.now() >= ctx.extra.expiresAt) {
          closeExpired(ctx.extra.socket);
          return [new GraphQLError("The token has expired; reconnect with a fresh one.", { extensions: { code: "UNAUTHENTICATED" } })];
        }
        // Parsed and validated here: graphql-ws would treat a syntax error as an internal
        // failure and drop the whole connection (4500) instead of answering the operation.
        const document = documents.get(payload.query);
        if (Array.isArray(document)) return document as readonly GraphQLError[];
        const refused = await admit(tenantId, document as DocumentNode, payload.operationName);
        if (refused) return refused;
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
          contextValue: await options.context(tenantId, ctx.extra.router),
        };
      },
      // Only the subscribe phase; the events are executed in onOperation's fan-out.
      subscribe: (args) => createSourceEventStream(args) as Promise<AsyncIterable<ExecutionResult> | ExecutionResult>,
      onOperation: (ctx, id, payload, args, result) => {
        if (!isAsyncIterable(result)) return; // a query, or the subscribe phase's errors
        // Every subscription field answers context.events.stream(...): the one pipeline.
        if (!(result instanceof EventStream)) return failedOperation(new Error("A subscription field returned an async iterable that is not an EventStream; return context.events.stream(...)."));
        const shape: ExecutionShape = {
          key: shapeKey(ctx.extra.tenantId!, payload.query, payload.operationName, payload.variables),
          tenantId: ctx.extra.tenantId!,
          args: { schema: args.schema, document: args.document, operationName: args.operationName, variableValues: args.variableValues },
        };
        return deliverOverSocket(result, { id, shape, payloads, writer: writerFor(ctx.extra) });
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
