/**
 * The browser side of the gateway: a landing page at / and GraphiQL at /graphiql, served
 * from dist/graphiql (bundled from npm packages by scripts/build-graphiql.mjs during `npm
 * run build`). Nothing is fetched from another host, so both work with no internet. Every
 * link is relative, so they also work behind a reverse proxy's path prefix.
 */
import express, { type Request, type Response, type Router } from "express";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pageSecurityHeaders } from "./page-security.js";

/** dist/graphiql, from the compiled gateway (dist/src/server) or from its source (src/server, under vitest). */
export function findGraphiqlBundle(): string | null {
  for (const candidate of ["../../graphiql/", "../../dist/graphiql/"]) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}

/** Mount at /graphiql. Hashed assets are cached for a year; index.html is revalidated each time. */
export function graphiqlRouter(bundleDir: string | null = findGraphiqlBundle()): Router {
  const router = express.Router({ strict: true });
  // /graphiql -> graphiql/ (relative, so a path prefix in front of the gateway is kept), or
  // the page's relative asset URLs would resolve against the parent folder.
  router.get("/", (req, res, next) => {
    const path = req.originalUrl.split("?")[0]!;
    if (path.endsWith("/")) return next();
    const query = req.originalUrl.slice(path.length);
    res.redirect(301, `${path.slice(path.lastIndexOf("/") + 1)}/${query}`);
  });
  if (!bundleDir) {
    router.use(pageSecurityHeaders(""), (_req, res) => {
      res.status(503).type("text/plain").send("GraphiQL is not built: run `npm run build` (it bundles it into dist/graphiql).\n");
    });
    return router;
  }
  // The policy names index.html's inline <style> by its hash: read once, as the page is.
  router.use(pageSecurityHeaders(readFileSync(`${bundleDir}index.html`, "utf8")));
  router.use(
    express.static(bundleDir, {
      index: "index.html",
      redirect: false,
      dotfiles: "ignore",
      setHeaders(res, file) {
        res.setHeader("Cache-Control", file.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable");
      },
    }),
  );
  router.use((_req, res) => {
    res.status(404).type("text/plain").send("Not found.\n");
  });
  return router;
}

/** GET /: what this is and where to go. */
export function landingPage(req: Request, res: Response): void {
  landingPageHeaders(req, res, () => {
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(LANDING_PAGE);
  });
}

/**
 * A browser asking GET /graphql for a page (Accept: text/html, no query) goes to GraphiQL
 * instead of Apollo Server's default landing page, which loads Apollo Sandbox from a CDN.
 */
export function browserToGraphiql(req: Request, res: Response, next: () => void): void {
  const wantsPage = req.method === "GET" && req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
  if (!wantsPage) return next();
  // A browser that opened /graphql?query=... (a shared link) gets GraphiQL with that
  // operation in its editor, never a page that needs the internet (Apollo's landing pages
  // load from a CDN). Only the GraphQL parameters are carried over.
  const [path, search = ""] = req.originalUrl.split("?");
  const carried = new URLSearchParams();
  const given = new URLSearchParams(search);
  for (const name of ["query", "variables", "operationName"]) {
    const value = given.get(name);
    if (value) carried.set(name, value);
  }
  const target = path!.endsWith("/") ? "../graphiql/" : "graphiql/";
  res.redirect(302, carried.size > 0 ? `${target}?${carried.toString()}` : target);
}

const LANDING_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Fingerprint Gateway</title>
    <link rel="icon" href="data:," />
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
      code { font: 0.9em ui-monospace, monospace; background: #f0f2f4; padding: 0.1em 0.3em; border-radius: 3px; }
      li { margin: 0.3rem 0; }
      a { color: #0b5cad; }
    </style>
  </head>
  <body>
    <h1>Fingerprint Gateway</h1>
    <p>
      One GraphQL API over Alibaba Cloud's two media-fingerprint library services, Intelligent
      Media Services (ICE "DNA DB") and Media Processing (MPS "FpShotDB"): create, list and
      delete libraries without caring which service hosts them, and subscribe to the moment a
      library turns active. It is also an Apollo Federation v2 subgraph (FingerprintLibrary is
      an entity keyed by <code>id</code>).
    </p>
    <ul>
      <li><a href="graphiql/">GraphiQL</a>: try the API in the browser (queries, mutations and subscriptions)</li>
      <li><code>POST graphql</code>: the GraphQL endpoint; WebSocket (graphql-ws) on the same path for subscriptions</li>
      <li><a href="healthz">healthz</a>: the process is alive</li>
      <li><a href="readyz">readyz</a>: the database answers</li>
      <li><a href="metrics">metrics</a>: Prometheus metrics</li>
    </ul>
  </body>
</html>
`;

const landingPageHeaders = pageSecurityHeaders(LANDING_PAGE);
