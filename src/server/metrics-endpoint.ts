/**
 * Who may read /metrics. Its figures (operation counts, backend errors, memory) are for the
 * operator, so in production it is not open to the world: either it asks for a bearer
 * token (METRICS_TOKEN), or it is served on a listener of its own (METRICS_HOST and
 * METRICS_PORT, 127.0.0.1 by default) that the operator keeps off the public network, or
 * both. Production with neither serves no /metrics on the public port at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, timingSafeEqual } from "node:crypto";
import type { GatewayMetrics } from "./metrics.js";

/** Answers a GET /metrics, checking the token when there is one. */
export function metricsHandler(metrics: GatewayMetrics, token: string | undefined): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const expected = token === undefined ? undefined : digest(token);
  return async (req, res) => {
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' });
      res.end("/metrics needs Authorization: Bearer <METRICS_TOKEN>.\n");
      return;
    }
    const body = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
    res.end(body);
  };
}

/** A listener that serves /metrics and nothing else. */
export async function startMetricsListener(
  listen: { host: string; port: number },
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("metrics failed\n");
      });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("Only /metrics is served here.\n");
  });
  // A scraper needs little: short timeouts, few connections.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Compared as digests, so the comparison takes the same time whatever the length of the guess. */
function bearerMatches(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
