/**
 * The HTTP side: /graphql (one route to Apollo for GET and POST: http-graphql-route.ts),
 * and express for the rest: liveness, readiness, metrics, and the browser pages (/, /graphiql,
 * and a browser's GET /graphql, sent to GraphiQL).
 */
import express from "express";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Store } from "../store/ports.js";
import { browserToGraphiql, graphiqlRouter, landingPage } from "./graphiql.js";
import type { GraphqlHandler } from "./http-graphql-route.js";

/** How long /readyz waits for the database. */
const READY_TIMEOUT_MS = 2_000;

export interface HttpAppDeps {
  graphql: GraphqlHandler;
  store: Store;
  /** GET /metrics on this port (see metrics-endpoint.ts); null: not served here. */
  metrics: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  /** Embedded mode: where the in-process emulator listens (served at GET /emulator); null in cloud mode. */
  embeddedEmulator?: EmbeddedEmulatorInfo | null;
}

export interface EmbeddedEmulatorInfo {
  /** Its base URL: RPC, OSS stand-in and control API on one port. */
  url: string;
  /** The region its services and OSS run in (the gateway's DEFAULT_REGION). */
  region: string;
}

export function createHttpApp(deps: HttpAppDeps): RequestListener {
  const app = expressApp(deps);
  return (req, res) => {
    if (!isGraphqlPath(req.url!)) return app(req, res);
    // Only a GET that may come from a browser's address bar (Accept naming text/html) takes
    // express's way, to be sent to GraphiQL when HTML is what it prefers.
    if (req.method === "GET" && req.headers.accept?.includes("text/html")) return app(req, res);
    deps.graphql(req, res);
  };
}

/** /graphql and /graphql/, with or without a query string. */
function isGraphqlPath(url: string): boolean {
  if (!url.startsWith("/graphql")) return false;
  const rest = url.length === 8 ? "" : url[8] === "/" ? url.slice(9) : url.slice(8);
  return rest === "" || rest[0] === "?";
}

function expressApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // No ETag: hashing every answer costs CPU. Static GraphiQL assets keep theirs
  // (express.static sets its own).
  app.set("etag", false);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  // A database that hangs (a dead network link) fails readiness in READY_TIMEOUT_MS rather
  // than leaving the probe waiting.
  app.get("/readyz", async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS);
        }),
      ]);
      res.json({ status: "ready", database: deps.store.kind });
    } catch {
      res.status(503).json({ status: "unavailable", database: deps.store.kind, reason: "the database did not answer" });
    } finally {
      clearTimeout(timer);
    }
  });

  const metrics = deps.metrics;
  if (metrics) app.get("/metrics", (req, res) => metrics(req, res));

  // Embedded mode only: tools such as `npm run media:put` find the emulator's OSS here (its
  // port is random by default). Nothing secret: the emulator's key pair is the public dev pair.
  const emulator = deps.embeddedEmulator;
  if (emulator) app.get("/emulator", (_req, res) => res.json({ mode: "embedded", url: emulator.url, region: emulator.region }));

  app.get("/", landingPage);
  app.use("/graphiql", graphiqlRouter());
  // A browser's GET goes to GraphiQL; any other GET naming text/html is an operation.
  app.get("/graphql", browserToGraphiql, (req, res) => deps.graphql(req, res));

  return app;
}
