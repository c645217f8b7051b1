/**
 * The gateway's HTTP server, with limits on how long a client may take to send a request
 * and on how many connections may be open at once. Node's defaults (60 s for the headers,
 * 300 s for the whole request, no connection cap, checked every 30 s) let 3,000 sockets
 * trickling request bodies a byte at a time stay open for five minutes each.
 *
 *  - HTTP_HEADERS_TIMEOUT_MS: the request line and headers must have arrived within this;
 *  - HTTP_REQUEST_TIMEOUT_MS: the whole request, body included (not the answer: a slow
 *    backend call is the gateway's time, bounded by BACKEND_READ_TIMEOUT_MS);
 *  - HTTP_MAX_CONNECTIONS: open connections, WebSockets included, past which a new one is
 *    closed as soon as it is accepted.
 * A client past a timeout gets 408 and the connection is closed. WebSockets leave the HTTP
 * parser once upgraded, so neither timeout applies to a subscription.
 */
import { createServer, type Server } from "node:http";

export interface HttpServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

/** How often the timeouts are checked: Node's default of 30 s would let a stalled request live that much longer. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export function createHttpServer(limits: HttpServerLimits): Server {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.headersTimeoutMs),
  });
  server.maxConnections = limits.maxConnections;
  return server;
}
