/**
 * graphql-ws over the `ws` server: a copy of graphql-ws 6.4.2's `useServer`
 * (node_modules/graphql-ws/dist/use/ws.js, exported as graphql-ws/use/ws; package.json pins
 * graphql-ws at exactly 6.4.2). It keeps makeServer, the protocol negotiation, the
 * keep-alive ping/pong, the send and close callbacks and dispose() as they are there, and
 * differs in these places only:
 *
 *  - Problems are logged through pino, at warn (server side) or debug (a client's protocol
 *    violation). useServer prints them with console.error, stack trace and all, on stderr,
 *    for things a client did (a message too large, a message only a server may send), so a
 *    fuzzing or misbehaving client filled production logs with traces.
 *  - A message only a server may send (next, error, connection_ack) closes the socket with
 *    4400, as the protocol says for an invalid message. makeServer throws on it instead
 *    ("Unexpected message of type ..."), which useServer turns into 4500 Internal server error.
 *  - A close reason never carries an error's message: useServer puts it there unless
 *    NODE_ENV is production; this always says "Internal server error".
 *  - No console warning for a client of the deprecated subscriptions-transport-ws protocol
 *    (makeServer closes its socket with 4406 either way).
 *
 * Still needed: useServer has no hook for either of the first two (its logging and its
 * message handling are inside the function). On a graphql-ws upgrade, compare this file
 * with the new version's dist/use/ws.js.
 */
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import type { WebSocketServer } from "ws";

/** What a client may send in graphql-transport-ws. */
const CLIENT_MESSAGE_TYPES = new Set(["connection_init", "ping", "pong", "subscribe", "complete"]);

export function serveGraphqlWs<P extends Record<string, unknown> | undefined, E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, Extra & Partial<E>>,
  wsServer: WebSocketServer,
  transport: { log: Pick<Logger, "warn" | "debug">; keepAliveMs?: number },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  const keepAliveMs = transport.keepAliveMs ?? 12_000;
  wsServer.options.handleProtocols = handleProtocols;

  wsServer.once("error", (error) => {
    transport.log.warn({ err: { message: error.message } }, "WebSocket server error; closing every socket");
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, "Internal server error");
  });

  wsServer.on("connection", (socket, request) => {
    // ws reports a client's protocol violations here (a frame over maxPayload: it closes with
    // 1009 itself); a client's mistake, logged at debug.
    socket.once("error", (error) => {
      transport.log.debug({ err: { message: error.message } }, "WebSocket closed for a protocol error");
      socket.close(CloseCode.InternalServerError, "Internal server error");
    });

    // Keep-alive: a peer that does not answer a ping within keepAliveMs is gone.
    let pongWait: NodeJS.Timeout | null = null;
    const pingInterval =
      keepAliveMs > 0
        ? setInterval(() => {
            if (socket.readyState !== socket.OPEN) return;
            pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
            socket.once("pong", () => {
              if (pongWait) clearTimeout(pongWait);
              pongWait = null;
            });
            socket.ping();
          }, keepAliveMs)
        : null;

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", async (data) => {
            const text = String(data);
            const type = messageType(text);
            if (type !== undefined && !CLIENT_MESSAGE_TYPES.has(type)) {
              socket.close(CloseCode.BadRequest, `A client may not send a message of type ${type.slice(0, 40)}`);
              return;
            }
            try {
              await handle(text);
            } catch (error) {
              transport.log.warn({ err: { message: (error as Error).message } }, "graphql-ws failed to handle a message; closing the socket");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            }
          }),
      },
      { socket, request } as Extra & Partial<E>,
    );

    socket.once("close", (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      if (pingInterval) clearInterval(pingInterval);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wsServer.clients) client.close(1001, "Going away");
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The `type` of a JSON message; undefined when it is not JSON or has none (graphql-ws answers those itself). */
function messageType(text: string): string | undefined {
  try {
    const type = (JSON.parse(text) as { type?: unknown } | null)?.type;
    return typeof type === "string" ? type : undefined;
  } catch {
    return undefined;
  }
}
