/**
 * The hot path: POST /graphql with a plain UTF-8 JSON body goes straight from node:http to
 * Apollo, without express's router, body-parser and the integration's request copy (about a
 * tenth of the CPU of a read). It answers exactly as the express route did: a body over the
 * limit is read off and refused with 413, one that is not JSON with 400, both in GraphQL's
 * error shape. Every other request (GET, other media types or charsets, compressed bodies,
 * other paths) is left to the express app, so those answers do not change.
 */
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { IncomingMessage, ServerResponse } from "node:http";
import onFinished from "on-finished";
import getRawBody from "raw-body";
import type { GatewayContext } from "../graphql/context.js";

export interface JsonGraphqlRoute {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  bodyLimit: number;
  path: string;
}

/** Returns a handler that takes the request (true) or leaves it to the next handler (false). */
export function jsonGraphqlRoute(route: JsonGraphqlRoute): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { apollo, context, bodyLimit, path } = route;
  const pathWithQuery = `${path}?`;
  return (req, res) => {
    if (req.method !== "POST" || !(req.url === path || req.url!.startsWith(pathWithQuery))) return false;
    if (!isPlainJson(req.headers["content-type"]) || !isIdentity(req.headers["content-encoding"]) || !hasBody(req)) return false;
    // raw-body and on-finished, as body-parser reads: a body over the limit (declared or
    // streamed) and one whose length does not match are read off to the end before the
    // answer, so the client sees it instead of a reset connection.
    getRawBody(req, { length: req.headers["content-length"], limit: bodyLimit, encoding: "utf8" }, (error, text) => {
      if (error) return afterBody(req, () => refuseUnreadable(res, error, bodyLimit));
      const body = parseJson(text);
      if (body === NOT_JSON) return refuse(res, 400, "The request body is not valid JSON.");
      answer(apollo, context, req, res, body).catch((failure: unknown) => {
        if (res.headersSent) return res.destroy(failure as Error);
        refuse(res, 500, "The gateway failed unexpectedly.");
      });
    });
    return true;
  };
}

async function answer(
  apollo: ApolloServer<GatewayContext>,
  context: (req: IncomingMessage) => Promise<GatewayContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const queryAt = req.url!.indexOf("?");
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: queryAt === -1 ? "" : req.url!.slice(queryAt), body },
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
 * `application/json`, alone or with `charset=utf-8`: what every GraphQL client sends. Other
 * parameters and charsets go to body-parser, which knows how to accept or refuse them.
 */
function isPlainJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === "application/json") return true;
  return PLAIN_JSON.test(contentType);
}
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

function isIdentity(contentEncoding: string | undefined): boolean {
  return contentEncoding === undefined || contentEncoding.toLowerCase() === "identity";
}

/** As body-parser decides it: a chunked body, or a Content-Length other than 0. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
}

/** raw-body's refusals, answered as the express app answers body-parser's; an aborted request gets none. */
function refuseUnreadable(res: ServerResponse, error: { status?: number; type?: string }, bodyLimit: number): void {
  if (error.type === "request.aborted") return void res.destroy();
  if (error.type === "entity.too.large") return refuse(res, 413, `The request body is larger than ${bodyLimit} bytes (MAX_BODY_BYTES).`);
  const clientError = error.status !== undefined && error.status >= 400 && error.status < 500;
  refuse(res, clientError ? error.status! : 500, clientError ? "The request could not be read." : "The gateway failed unexpectedly.");
}

/** Runs `then` once the rest of the request has been read off (or the request is over). */
function afterBody(req: IncomingMessage, then: () => void): void {
  if (onFinished.isFinished(req)) return then();
  onFinished(req, then);
  req.resume();
}

const NOT_JSON = Symbol("not JSON");

/** body-parser's strict mode: an object or array, and an empty body reads as {}. */
function parseJson(text: string): unknown {
  if (text.length === 0) return {};
  if (text[0] !== "{" && text[0] !== "[") {
    const first = text.trimStart()[0];
    if (first !== "{" && first !== "[") return NOT_JSON;
  }
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The same GraphQL-shaped refusal as the express app's error handler. */
function refuse(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: status < 500 ? "BAD_USER_INPUT" : "BACKEND_ERROR" } }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
