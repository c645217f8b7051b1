/**
 * What a web page in the user's browser can do to the gateway (docs/design.md, "Threat model
 * for browsers"): GET queries run without a preflight header, every POST a page could send
 * without asking first is refused, no CORS header lets a page read an answer, and in
 * development mode (no authentication) only local requests are served: a DNS-rebound Host,
 * a cross-site Origin or Sec-Fetch-Site, over HTTP and WebSocket, are refused.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startHarness, type Harness } from "../support/gateway-harness.js";

const KEY = "browser-threats-key-0001";
const QUERY = "{ fingerprintLibraries { totalCount } }";
const CREATE = JSON.stringify({ query: `mutation { createFingerprintLibrary(input: { name: "forged", model: VIDEO }) { library { id } } }` });

let dev: Harness;
let authenticated: Harness;
beforeAll(async () => {
  [dev, authenticated] = await Promise.all([
    startHarness({ env: { DEV_ALLOWED_HOSTS: "gateway.internal" } }),
    startHarness({ env: { API_KEYS: `acme:${KEY}` } }),
  ]);
});
afterAll(() => Promise.all([dev?.close(), authenticated?.close()]));

/** A raw request, so that Host and the browser's own headers can be set as a page's browser sets them. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: options.method ?? "GET", headers: options.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk)).on("end", () => {
        resolve({ status: res.statusCode!, headers: res.headers, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const getQuery = (h: Harness, headers: Record<string, string> = {}) => send(`${h.gateway.graphqlUrl}?query=${encodeURIComponent(QUERY)}`, { headers });
const libraryCount = async (h: Harness, headers: Record<string, string> = {}) =>
  (await send(h.gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: QUERY }) })).body.data.fingerprintLibraries.totalCount;

describe("cross-site requests, with authentication", () => {
  const auth = { authorization: `Bearer ${KEY}` };

  it("runs a GET query without a preflight header, and refuses one without credentials (a page has none to send)", async () => {
    const ok = await getQuery(authenticated, auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    const anonymous = await getQuery(authenticated, { "sec-fetch-site": "cross-site", origin: "https://evil.example" });
    expect(anonymous.status).toBe(401);
  });

  it("refuses every POST a page can send without a preflight (text/plain, forms, no Content-Type), before it runs", async () => {
    for (const contentType of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const headers: Record<string, string> = { ...auth, ...(contentType ? { "content-type": contentType } : {}) };
      const refused = await send(authenticated.gateway.graphqlUrl, { method: "POST", headers, body: CREATE });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0]).toMatchObject({ message: expect.stringMatching(/Cross-Site Request Forgery/), extensions: { code: "BAD_USER_INPUT", reason: "CSRF_SUSPECTED" } });
    }
    expect(await libraryCount(authenticated, auth)).toBe(0);
  });

  it("never sends CORS headers, so no page of another origin can read an answer", async () => {
    const preflight = await send(authenticated.gateway.graphqlUrl, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
    });
    expect(preflight.status).toBe(405);
    const answer = await getQuery(authenticated, { ...auth, origin: "https://evil.example" });
    for (const response of [preflight, answer]) {
      expect(Object.keys(response.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    }
  });
});

describe("development mode (no authentication) serves local requests only", () => {
  it("serves localhost, 127.x, [::1]-style names and DEV_ALLOWED_HOSTS, and refuses a DNS-rebound Host before anything runs", async () => {
    const port = new URL(dev.gateway.graphqlUrl).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `app.localhost:${port}`, "LOCALHOST.", `gateway.internal:${port}`]) {
      expect((await getQuery(dev, { host })).status, host).toBe(200);
    }
    const rebound = await send(dev.gateway.graphqlUrl, { method: "POST", headers: { host: `attacker.example:${port}`, "content-type": "application/json" }, body: CREATE });
    expect(rebound.status).toBe(403);
    expect(rebound.body.errors[0]).toMatchObject({ extensions: { code: "FORBIDDEN", reason: "HOST_NOT_ALLOWED" } });
    expect(rebound.body.errors[0].message).toMatch(/"attacker.example".*DEV_ALLOWED_HOSTS/);
    expect(await libraryCount(dev)).toBe(0);
  });

  it("refuses requests a page of another site sends (Sec-Fetch-Site: cross-site, or a foreign Origin), and serves the gateway's own pages", async () => {
    const crossSite = await getQuery(dev, { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.errors[0].extensions).toEqual({ code: "FORBIDDEN", reason: "CROSS_SITE_REQUEST" });
    for (const origin of ["https://evil.example", "null"]) {
      const refused = await send(dev.gateway.graphqlUrl, { method: "POST", headers: { origin, "content-type": "application/json" }, body: CREATE });
      expect(refused.status, origin).toBe(403);
    }
    expect(await libraryCount(dev)).toBe(0);
    // GraphiQL served by the gateway itself, and a local app on another port.
    const port = new URL(dev.gateway.graphqlUrl).port;
    for (const origin of [`http://127.0.0.1:${port}`, "http://localhost:5173"]) {
      expect((await getQuery(dev, { origin, "sec-fetch-site": "same-site" })).status, origin).toBe(200);
    }
  });

  it("closes a WebSocket a page of another site opens (4403), and accepts a local one", async () => {
    const open = (origin: string) =>
      new Promise<{ acked: boolean; code?: number }>((resolve, reject) => {
        const socket = new WebSocket(dev.gateway.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws", { headers: { origin } });
        socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
        socket.on("message", (data) => {
          if (JSON.parse(String(data)).type === "connection_ack") {
            socket.close();
            resolve({ acked: true });
          }
        });
        socket.on("close", (code) => resolve({ acked: false, code }));
        socket.on("error", reject);
      });
    expect(await open("https://evil.example")).toEqual({ acked: false, code: 4403 });
    expect((await open("http://localhost:3000")).acked).toBe(true);
  });

  it("leaves programs alone: no Origin, no Sec-Fetch-Site", async () => {
    expect((await getQuery(dev)).status).toBe(200);
  });
});
