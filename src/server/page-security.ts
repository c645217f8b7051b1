/**
 * Security headers for the browser pages (/ and /graphiql/), with helmet: a Content
 * Security Policy that lets a page load only what the gateway itself serves, and forbids
 * framing (clickjacking) and MIME sniffing.
 *
 * The policy fits the GraphiQL bundle (scripts/build-graphiql.mjs): one script and one
 * stylesheet from the same origin, fonts and icons inlined as data: URLs, requests and the
 * graphql-ws WebSocket to the same origin ('self' covers ws:/wss: to the same host), and
 * the pages' small inline <style> blocks allowed by their hashes, not by 'unsafe-inline'.
 * HSTS is left to the TLS-terminating proxy in front: the gateway speaks plain HTTP.
 */
import { createHash } from "node:crypto";
import helmet from "helmet";
import type { RequestHandler } from "express";

/** Helmet for a page whose inline <style> blocks are given (their hashes go into style-src). */
export function pageSecurityHeaders(html: string): RequestHandler {
  const styleHashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => `'sha256-${createHash("sha256").update(match[1]!).digest("base64")}'`);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", ...styleHashes],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: "deny" },
    strictTransportSecurity: false,
  }) as RequestHandler;
}
