/** The HTTP side: /graphql (Apollo), liveness, readiness, metrics, and the browser pages (/, /graphiql). */
import { expressMiddleware } from "@as-integrations/express5";
import type { ApolloServer } from "@apollo/server";
import express from "express";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { GatewayContext } from "../graphql/context.js";
import type { Store } from "../store/ports.js";
import { browserToGraphiql, graphiqlRouter, landingPage } from "./graphiql.js";
import { jsonGraphqlRoute } from "./graphql-json-route.js";

/** How long /readyz waits for the database. */
const READY_TIMEOUT_MS = 2_000;

export interface HttpAppDeps {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  store: Store;
  /** GET /metrics on this port (see metrics-endpoint.ts); null: not served here. */
  metrics: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  /** JSON bodies above this are refused with 413 before parsing. */
  bodyLimit: number;
  /** Embedded mode: where the in-process emulator listens (served at GET /emulator); null in cloud mode. */
  embeddedEmulator?: EmbeddedEmulatorInfo | null;
}

export interface EmbeddedEmulatorInfo {
  /** Its base URL: RPC, OSS stand-in and control API on one port. */
  url: string;
  /** The region its services and OSS run in (the gateway's DEFAULT_REGION). */
  region: string;
}

/**
 * JSON POSTs to /graphql (every read and mutation a client sends) take the lean route to
 * Apollo; everything else, /graphql's GETs and odd bodies included, goes through express.
 */
export function createHttpApp(deps: HttpAppDeps): RequestListener {
  const app = expressApp(deps);
  const graphqlJson = jsonGraphqlRoute({ apollo: deps.apollo, context: deps.context, bodyLimit: deps.bodyLimit, path: "/graphql" });
  return (req, res) => {
    if (!graphqlJson(req, res)) app(req, res);
  };
}

function expressApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // No ETag: GraphQL answers are POSTs (never revalidated), and hashing every answer costs
  // CPU on each read. Static GraphiQL assets keep theirs (express.static sets its own).
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

  app.use(
    "/graphql",
    browserToGraphiql,
    express.json({ limit: deps.bodyLimit }),
    expressMiddleware(deps.apollo, { context: ({ req }) => deps.context(req) }),
  );

  // Body-parser refusals (invalid JSON, too large) answer in GraphQL's error shape, never
  // express's HTML page with a stack trace.
  app.use((error: { status?: number; type?: string; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      error.type === "entity.too.large"
        ? `The request body is larger than ${deps.bodyLimit} bytes (MAX_BODY_BYTES).`
        : error.type === "entity.parse.failed"
          ? "The request body is not valid JSON."
          : status < 500
            ? "The request could not be read."
            : "The gateway failed unexpectedly.";
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? "BAD_USER_INPUT" : "BACKEND_ERROR" } }] });
  });

  return app;
}
