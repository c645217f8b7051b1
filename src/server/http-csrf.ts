/**
 * Cross-site request forgery on /graphql. A browser sends a cross-site request without a
 * preflight only when it is "simple": GET, or a POST whose Content-Type is text/plain, a
 * form or absent, with no custom header. So:
 *
 *  - a POST (the only method that may run a mutation) must carry Content-Type
 *    application/json, or a non-empty Apollo-Require-Preflight / X-Apollo-Operation-Name
 *    header; either makes a cross-site browser ask first, and the gateway answers no
 *    CORS headers, so the browser never sends it;
 *  - a GET is allowed without a header (urql and graphql-http clients send short queries so):
 *    it can only run a query (Apollo answers a mutation over GET with 405, a subscription
 *    with 400), it cannot carry the caller's credentials (authentication is an
 *    Authorization header, never a cookie, so a cross-site page has none to borrow), and its
 *    answer cannot be read cross-origin.
 * Development mode, which has no credentials at all, adds http-local-only.ts.
 * docs/design.md ("Threat model for browsers") gives the whole reasoning.
 */
import type { IncomingMessage } from "node:http";
import type { Refusal } from "./http-refusal.js";

/** Content types a browser may send cross-site without a preflight. */
const SIMPLE_CONTENT_TYPES = new Set(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);

/** The refusal of a POST a browser could have sent cross-site without asking, or null. */
export function crossSitePostRefusal(req: IncomingMessage, mediaType: string | undefined): Refusal | null {
  if (mediaType !== undefined && !SIMPLE_CONTENT_TYPES.has(mediaType)) return null;
  if (req.headers["apollo-require-preflight"] || req.headers["x-apollo-operation-name"]) return null;
  return {
    status: 400,
    message:
      "This request was refused as a possible Cross-Site Request Forgery (CSRF): send the operation as JSON (Content-Type: application/json), or add a non-empty Apollo-Require-Preflight header.",
    reason: "CSRF_SUSPECTED",
  };
}
