/**
 * /graphql over HTTP, GET and POST, single operations and batches: one integration, from
 * node:http straight to Apollo's `executeHTTPGraphQLRequest`. (Express, body-parser and
 * Apollo's express integration cost about a tenth of a read's CPU; express now serves only
 * GraphiQL, the landing page, health and metrics.) Before Apollo runs:
 *
 *  - development mode's local-only check (http-local-only.ts), on every request;
 *  - a POST must be JSON (or carry a preflight header): http-csrf.ts; its body is read
 *    under MAX_BODY_BYTES (http-body.ts); a batch (a JSON array) may hold at most
 *    MAX_BATCH_OPERATIONS operations, each of which then passes the operation guard
 *    (limits, rate limit) on its own, exactly like a single request;
 *  - a GET carries a query in its URL; Apollo refuses a mutation over GET with 405.
 * Every refusal is written by http-refusal.ts.
 */
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayContext } from "../graphql/context.js";
import { afterBody, readJsonBody } from "./http-body.js";
import { crossSitePostRefusal } from "./http-csrf.js";
import type { LocalOnlyCheck } from "./http-local-only.js";
import { refuse } from "./http-refusal.js";

export interface GraphqlRoute {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  bodyLimit: number;
  /** Operations one batch may hold; 0 refuses batches. */
  maxBatchOperations: number;
  /** Development mode only (no authentication): see http-local-only.ts. */
  localOnly: LocalOnlyCheck | null;
}

export type GraphqlHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function graphqlRoute(route: GraphqlRoute): GraphqlHandler {
  const { apollo, context, bodyLimit, maxBatchOperations, localOnly } = route;
  const run = (req: IncomingMessage, res: ServerResponse, method: "GET" | "POST", body: unknown) => {
    answer(apollo, context, req, res, method, body).catch((failure: unknown) => {
      if (res.headersSent) return res.destroy(failure as Error);
      refuse(req, res, { status: 500, message: "The gateway failed unexpectedly." });
    });
  };
  return (req, res) => {
    const notLocal = localOnly?.(req);
    if (notLocal) return refuse(req, res, notLocal);
    if (req.method === "GET") return run(req, res, "GET", undefined);
    if (req.method !== "POST") {
      return refuse(req, res, { status: 405, message: `${req.method} is not served on /graphql: send GET (queries) or POST.`, headers: { allow: "GET, POST" } });
    }
    const { mediaType, charset } = contentTypeOf(req.headers["content-type"]);
    const crossSite = crossSitePostRefusal(req, mediaType);
    if (crossSite) return afterBody(req, () => refuse(req, res, crossSite));
    if (mediaType !== "application/json") {
      return afterBody(req, () => refuse(req, res, { status: 415, message: "Send the operation as JSON, with Content-Type: application/json." }));
    }
    readJsonBody(req, charset, bodyLimit, (refusal, body) => {
      if (refusal?.aborted) return void res.destroy();
      if (refusal) return refuse(req, res, refusal);
      if (Array.isArray(body) && body.length > maxBatchOperations) return refuse(req, res, batchTooLarge(body.length, maxBatchOperations));
      run(req, res, "POST", body);
    });
  };
}

async function answer(
  apollo: ApolloServer<GatewayContext>,
  context: (req: IncomingMessage) => Promise<GatewayContext>,
  req: IncomingMessage,
  res: ServerResponse,
  method: "GET" | "POST",
  body: unknown,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined || (key === "accept" && NEUTRAL_ACCEPT.has(value as string))) continue;
    headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const queryAt = req.url!.indexOf("?");
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: queryAt === -1 ? "" : req.url!.slice(queryAt), body },
    context: () => context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Accept headers that change nothing Apollo decides: with them, as without an Accept header,
 * a single result is JSON, incremental delivery is refused and no landing page is chosen.
 * Apollo negotiates the Accept header with `negotiator` two or three times per operation,
 * about 60 µs of a submit's CPU for the default of fetch and curl (any type), so these two
 * reach it as no header at all. Any other Accept is passed on as sent.
 */
const NEUTRAL_ACCEPT: ReadonlySet<string> = new Set(["*/*", "application/json"]);

function batchTooLarge(operations: number, max: number) {
  return {
    status: 413,
    reason: "BATCH_TOO_LARGE",
    message:
      max === 0
        ? "This gateway does not accept batched operations (MAX_BATCH_OPERATIONS=0): send one operation per request."
        : `This batch holds ${operations} operations; at most ${max} are accepted in one request (MAX_BATCH_OPERATIONS). Send the rest in another request.`,
  };
}

/** "application/json; charset=UTF-8" → { mediaType: "application/json", charset: "utf-8" }. */
function contentTypeOf(header: string | undefined): { mediaType?: string; charset?: string } {
  if (header === undefined) return {};
  if (header === "application/json") return { mediaType: header };
  const [type, ...parameters] = header.split(";");
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name, value] = parameter.split("=");
    if (name?.trim().toLowerCase() === "charset" && value !== undefined) charset = value.trim().replace(/^"|"$/g, "").toLowerCase();
  }
  return { mediaType: type!.trim().toLowerCase(), charset };
}
