/**
 * The one writer of the answers /graphql gives before Apollo runs (a body it cannot read, a
 * batch too large, a cross-site or non-local request): GraphQL's error shape, the code and
 * reason a client matches on (docs/errors.md), never an HTML page or a stack trace.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Refusal {
  status: number;
  message: string;
  code?: "BAD_USER_INPUT" | "FORBIDDEN" | "BACKEND_ERROR";
  reason?: string;
  headers?: Record<string, string>;
}

export function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const code = refusal.code ?? (refusal.status < 500 ? "BAD_USER_INPUT" : "BACKEND_ERROR");
  const extensions = refusal.reason === undefined ? { code } : { code, reason: refusal.reason };
  const body = JSON.stringify({ errors: [{ message: refusal.message, extensions }] });
  res.writeHead(refusal.status, {
    ...refusal.headers,
    "content-type": `${responseMediaType(req.headers.accept)}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * application/graphql-response+json to a client that asks for it (the GraphQL-over-HTTP
 * media type, whose 4xx a client may trust came from the GraphQL server), else JSON.
 */
function responseMediaType(accept: string | undefined): string {
  return accept !== undefined && accept.includes("application/graphql-response+json") && !accept.includes("application/json")
    ? "application/graphql-response+json"
    : "application/json";
}
