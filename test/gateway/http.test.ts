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
