import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE } from "../support/documents.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

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
    const response = await fetch(`${h.gateway.url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gateway_graphql_operations_total\{operation="createFingerprintLibrary",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_graphql_operations_total\{operation="createFingerprintLibrary",outcome="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/gateway_graphql_operation_duration_seconds_count\{operation="createFingerprintLibrary",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_backend_calls_total\{backend="MPS",action="CreateFpShotDB",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_libraries\{backend="MPS",status="OFFLINE"\} 1/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });
});
