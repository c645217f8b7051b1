import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE } from "../support/documents.js";
import { announcePostgresqlCoverage } from "../support/databases.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { scratchDatabase } from "../../bench/lib/scratch-database.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** The distinct values of one label of one metric in a Prometheus text page. */
function labelValues(text: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const match of text.matchAll(new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, "gm"))) values.add(match[1]!);
  return values;
}

describe("operational endpoints", () => {
  it("answers /healthz and /readyz", async () => {
    expect(await (await fetch(`${h.gateway.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${h.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", database: "sqlite" });
  });

  it("exposes operations, backend calls and libraries in Prometheus format", async () => {
    await h.gql(CREATE, { input: { name: "metered", model: "IMAGE" } });
    await h.gql(CREATE, { input: { name: "", model: "IMAGE" } });
    expect(h.gateway.metricsUrl).toBe(`${h.gateway.url}/metrics`);
    const response = await fetch(`${h.gateway.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gateway_graphql_operations_total\{operation="createFingerprintLibrary",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_graphql_operations_total\{operation="createFingerprintLibrary",outcome="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/gateway_graphql_operation_duration_seconds_count\{operation="createFingerprintLibrary",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_backend_calls_total\{backend="MPS",action="CreateFpShotDB",outcome="ok"\} 1/);
    // OFFLINE, or ACTIVE if the watcher got there first (the emulator activates after 150 ms).
    expect(text).toMatch(/gateway_libraries\{backend="MPS",status="(OFFLINE|ACTIVE)"\} 1/);
    expect(text).toMatch(/^gateway_database_up 1$/m);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it("labels operations only with the schema's root fields, whatever the client selects", async () => {
    // Each of these once made a label of its own: repeated fields, every combination of
    // root fields, fragments. 150 distinct documents must not make 150 series.
    const roots = ["fingerprintLibraries { totalCount }", "__typename", "fingerprintLibrary(id: \"x\") { id }", "node(id: \"x\") { id }"];
    const documents: string[] = [];
    for (let repeat = 1; repeat <= 50; repeat++) {
      documents.push(`{ ${Array.from({ length: repeat }, () => roots[0]).join(" ")} }`);
      documents.push(`{ ${roots.slice(0, 1 + (repeat % roots.length)).join(" ")} ${"__typename ".repeat(repeat)} }`);
      documents.push(`query Q${repeat} { ...F${repeat} } fragment F${repeat} on Query { ${roots[0]} ${"__typename ".repeat(repeat)} }`);
    }
    for (const query of documents) await h.post(JSON.stringify({ query }));
    const text = await (await fetch(`${h.gateway.url}/metrics`)).text();
    const operations = labelValues(text, "gateway_graphql_operations_total", "operation");
    expect([...operations].filter((label) => label.includes("+") || label.includes("fragment"))).toEqual([]);
    expect(operations.has("fingerprintLibraries")).toBe(true);
    expect(operations.has("multiple")).toBe(true);
    expect(operations.size).toBeLessThanOrEqual(6);
    for (const outcome of labelValues(text, "gateway_graphql_operations_total", "outcome")) expect(outcome).toMatch(/^(ok|error|[A-Z_]+)$/);
  });
});

describe("who may read /metrics", () => {
  const TOKEN = "metrics-token-0123456789abcdef";

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const guarded = await startHarness({ env: { METRICS_TOKEN: TOKEN } });
    try {
      const url = `${guarded.gateway.url}/metrics`;
      const anonymous = await fetch(url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await anonymous.text()).not.toContain(TOKEN);
      expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: TOKEN } })).status).toBe(401);
      const scraped = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/process_resident_memory_bytes/);
    } finally {
      await guarded.close();
    }
  });

  it("serves /metrics only on its own listener when METRICS_PORT is set", async () => {
    const apart = await startHarness({ env: { METRICS_PORT: "0", METRICS_HOST: "127.0.0.1" } });
    try {
      expect((await fetch(`${apart.gateway.url}/metrics`)).status).toBe(404);
      const url = apart.gateway.metricsUrl!;
      expect(new URL(url).port).not.toBe(new URL(apart.gateway.url).port);
      expect(await (await fetch(url)).text()).toMatch(/process_resident_memory_bytes/);
      expect((await fetch(url.replace("/metrics", "/graphql"))).status).toBe(404);
    } finally {
      await apart.close();
    }
  });

  it("serves no /metrics on the public port in production without a token or a listener", async () => {
    const production = await startHarness({ env: { NODE_ENV: "production", ALLOW_UNAUTHENTICATED: "true" } });
    try {
      expect(production.gateway.metricsUrl).toBeNull();
      expect((await fetch(`${production.gateway.url}/metrics`)).status).toBe(404);
      expect(production.logs.join("")).toMatch(/neither METRICS_TOKEN nor METRICS_PORT/);
    } finally {
      await production.close();
    }
  });
});

/** A raw TCP client: what it received, and when the server closed it. */
function rawClient(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(url);
  const socket = tcpConnect(Number(port), hostname);
  const started = Date.now();
  let text = "";
  socket.on("data", (chunk) => (text += String(chunk)));
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - started)));
  return new Promise((resolve, reject) => socket.once("connect", () => resolve({ socket, received: () => text, closed })).once("error", reject));
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) return clearInterval(timer);
    socket.write(text[at++]!);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

describe("slow and piled-up clients", () => {
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({ env: { HTTP_HEADERS_TIMEOUT_MS: "1000", HTTP_REQUEST_TIMEOUT_MS: "2000", HTTP_MAX_CONNECTIONS: "3" } });
  });
  afterAll(() => slow?.close());

  it("closes a connection whose headers trickle in past HTTP_HEADERS_TIMEOUT_MS", { timeout: 20_000 }, async () => {
    const client = await rawClient(slow.gateway.url);
    client.socket.write("POST /graphql HTTP/1.1\r\nHost: localhost\r\n");
    trickle(client.socket, "X-Slow: " + "a".repeat(200), 200);
    const after = await client.closed;
    expect(after).toBeLessThan(10_000); // Node's default: 60 s
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it("closes a connection whose body trickles in past HTTP_REQUEST_TIMEOUT_MS", { timeout: 20_000 }, async () => {
    const client = await rawClient(slow.gateway.url);
    const body = JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }" });
    client.socket.write(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    trickle(client.socket, body, 200);
    const after = await client.closed;
    expect(after).toBeLessThan(10_000); // Node's default: 300 s
    expect(client.received()).not.toContain("totalCount");
  });

  it("refuses connections past HTTP_MAX_CONNECTIONS, and serves again once they close", async () => {
    const held = await Promise.all([1, 2, 3].map(() => rawClient(slow.gateway.url)));
    for (const client of held) client.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"); // unfinished
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = await rawClient(slow.gateway.url);
    extra.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await extra.closed;
    expect(extra.received()).toBe("");
    for (const client of held) client.socket.destroy();
    await Promise.all(held.map((client) => client.closed));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${slow.gateway.url}/healthz`)).status).toBe(200);
  });
});

announcePostgresqlCoverage("/metrics with the database down");
const pgUrl = process.env.DATABASE_URL_TEST;
describe.runIf(pgUrl)("/metrics with the database down", () => {
  it("keeps answering, with gateway_database_up 0, while /readyz fails", { timeout: 60_000 }, async () => {
    const scratch = scratchDatabase("metrics_down", pgUrl);
    const direct = new URL(scratch.url);
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    const gateway = await startHarness({ databaseUrl: viaProxy.toString(), env: { WATCHER_ENABLED: "false" } });
    try {
      expect(await (await fetch(gateway.gateway.metricsUrl!)).text()).toMatch(/^gateway_database_up 1$/m);

      proxy.blackHole();
      const started = Date.now();
      const scrapes = await Promise.all([1, 2, 3].map(() => fetch(gateway.gateway.metricsUrl!)));
      for (const scrape of scrapes) {
        expect(scrape.status).toBe(200);
        const text = await scrape.text();
        expect(text).toMatch(/^gateway_database_up 0$/m);
        expect(text).toMatch(/process_resident_memory_bytes/);
        expect(text).not.toMatch(/^gateway_libraries\{/m);
      }
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await fetch(`${gateway.gateway.url}/readyz`)).status).toBe(503);

      proxy.forward();
    } finally {
      proxy.forward();
      await gateway.close();
      await proxy.close();
      await scratch.drop();
    }
  });
});
