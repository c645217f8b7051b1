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
    const declared = req.headers["content-length"] === undefined ? 0 : Number(req.headers["content-length"]);
    readBody(req, declared > bodyLimit ? -1 : bodyLimit, (text) => {
      if (text === null) return refuse(res, 413, `The request body is larger than ${bodyLimit} bytes (MAX_BODY_BYTES).`);
      const body = parseJson(text);
      if (body === NOT_JSON) return refuse(res, 400, "The request body is not valid JSON.");
      answer(apollo, context, req, res, body).catch((error: unknown) => {
        if (res.headersSent) return res.destroy(error as Error);
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

/**
 * The body as text, or null when it is over `limit` bytes (-1: already known to be). Like
 * body-parser, an oversized body is still read off to the end before the answer, so the
 * client sees the 413 instead of a reset connection. A request the client aborts gets no answer.
 */
function readBody(req: IncomingMessage, limit: number, done: (text: string | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = limit < 0;
  req.on("data", (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.once("end", () => {
    if (tooLarge) return done(null);
    done(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8"));
  });
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
