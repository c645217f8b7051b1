/**
 * Development mode has no authentication: whoever reaches /graphql acts as the default
 * tenant, with the gateway's cloud credentials when it runs in cloud mode. A web page the
 * developer visits can reach a gateway on their localhost in two ways this closes:
 *
 *  - DNS rebinding: the page's own host name is re-pointed at 127.0.0.1, so the browser
 *    treats the gateway as same-origin and lets the page send JSON POSTs (mutations) and
 *    read the answers. Such a request still names the attacker's host in its Host header,
 *    so only requests addressed to a loopback name (localhost, *.localhost, 127.x.x.x,
 *    [::1]), the HOST the gateway listens on, or one of DEV_ALLOWED_HOSTS are served.
 *  - Cross-site requests: a page may send a GET (a query) or open a WebSocket
 *    (subscriptions: WebSockets have no same-origin rule, so the page would read every
 *    event). Browsers mark both: Sec-Fetch-Site: cross-site, and an Origin header (always
 *    on a WebSocket). A request from an origin whose host is not allowed as above, or
 *    marked cross-site, is refused.
 * Programs (curl, servers, routers, tests) send neither Origin nor Sec-Fetch-Site and a
 * Host they chose, so they are unaffected; with authentication configured none of this
 * applies (a page has no credentials to send: see http-csrf.ts).
 */
import type { IncomingMessage } from "node:http";
import type { Refusal } from "./http-refusal.js";

export type LocalOnlyCheck = (req: IncomingMessage) => Refusal | null;

export function localOnlyCheck(options: { listenHost: string; allowedHosts: readonly string[] }): LocalOnlyCheck {
  const anyHost = options.allowedHosts.includes("*");
  const allowed = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
  if (options.listenHost !== "0.0.0.0" && options.listenHost !== "::") allowed.add(bareHost(options.listenHost));
  const isAllowed = (host: string) => anyHost || isLoopback(host) || allowed.has(host);
  return (req) => {
    const host = req.headers.host;
    if (host !== undefined && !isAllowed(bareHost(hostnameOf(host)))) {
      return forbidden(
        "HOST_NOT_ALLOWED",
        `Development mode (no authentication) serves only requests addressed to localhost, so that a web page cannot reach it by DNS rebinding; this one was addressed to "${hostnameOf(host)}". Add that name to DEV_ALLOWED_HOSTS, or configure API_KEYS or JWT_JWKS_*.`,
      );
    }
    const origin = req.headers.origin;
    const originHost = origin === undefined ? undefined : originHostname(origin);
    if (req.headers["sec-fetch-site"] === "cross-site" || (origin !== undefined && (originHost === null || !isAllowed(originHost!)))) {
      return forbidden(
        "CROSS_SITE_REQUEST",
        `Development mode (no authentication) refuses requests from web pages of other sites${origin ? ` (this one came from ${origin})` : ""}. Open the page from localhost, add its host to DEV_ALLOWED_HOSTS, or configure API_KEYS or JWT_JWKS_*.`,
      );
    }
    return null;
  };
}

function forbidden(reason: string, message: string): Refusal {
  return { status: 403, code: "FORBIDDEN", reason, message };
}

/** "localhost:4000" → "localhost", "[::1]:4000" → "[::1]". */
function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** Lower case, without brackets or a trailing dot ("LOCALHOST." is localhost). */
function bareHost(hostname: string): string {
  const lower = hostname.toLowerCase().replace(/\.$/, "");
  return lower.startsWith("[") ? lower.slice(1, -1) : lower;
}

/** The host of an Origin header; null for "null" (a sandboxed frame, a file) or garbage. */
function originHostname(origin: string): string | null {
  try {
    return bareHost(new URL(origin).hostname);
  } catch {
    return null;
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
