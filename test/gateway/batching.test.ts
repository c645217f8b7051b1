/**
 * Batched HTTP requests (a JSON array of operations, as Apollo's BatchHttpLink sends):
 * bounded by MAX_BATCH_OPERATIONS, and each operation passes the operation guard on its own,
 * exactly like a single request: one rate-limit point each, its own depth and alias limits.
 * A batch answers per operation (HTTP 200, each result with its own errors), so a refused
 * operation does not fail the others.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";

const COUNT = { query: "{ fingerprintLibraries { totalCount } }" };
const KEY_A = "batching-tenant-a-0123456789";
const KEY_B = "batching-tenant-b-0123456789";

let defaults: Harness;
let limited: Harness;
beforeAll(async () => {
  [defaults, limited] = await Promise.all([
    startHarness(),
    startHarness({ env: { API_KEYS: `a:${KEY_A},b:${KEY_B}`, MAX_BATCH_OPERATIONS: "3", RATE_LIMIT_REQUESTS: "4", RATE_LIMIT_WINDOW_SECONDS: "600", MAX_DEPTH: "3", MAX_ALIASES: "2" } }),
  ]);
});
afterAll(() => Promise.all([defaults?.close(), limited?.close()]));

async function batch(h: Harness, operations: unknown[], key?: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await h.post(JSON.stringify(operations), key ? { authorization: `Bearer ${key}` } : {});
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("batched operations", () => {
  it("answers a batch with one result per operation, in order, up to the default of 10", async () => {
    const operations = Array.from({ length: 10 }, (_, i) => ({ query: `query Q${i} { fingerprintLibraries(first: ${i + 1}) { totalCount } }` }));
    const answered = await batch(defaults, operations);
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual(operations.map(() => ({ data: { fingerprintLibraries: { totalCount: 0 } } })));
  });

  it("refuses a batch over MAX_BATCH_OPERATIONS whole, with 413 BATCH_TOO_LARGE, before any operation runs", async () => {
    const create = (i: number) => ({ query: `mutation { createFingerprintLibrary(input: { name: "batch-${i}", model: VIDEO }) { library { id } } }` });
    const refused = await batch(defaults, Array.from({ length: 11 }, (_, i) => create(i)));
    expect(refused.status).toBe(413);
    expect(refused.body).toEqual({
      errors: [
        {
          message: "This batch holds 11 operations; at most 10 are accepted in one request (MAX_BATCH_OPERATIONS). Send the rest in another request.",
          extensions: { code: "BAD_USER_INPUT", reason: "BATCH_TOO_LARGE" },
        },
      ],
    });
    expect((await defaults.gql("{ fingerprintLibraries { totalCount } }")).data).toEqual({ fingerprintLibraries: { totalCount: 0 } });
    const tooLarge = await batch(limited, [COUNT, COUNT, COUNT, COUNT], KEY_B);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errors[0].message).toMatch(/holds 4 operations; at most 3/);
  });

  it("applies the document limits to each operation of a batch, and runs the others", async () => {
    const answered = await batch(
      limited,
      [COUNT, { query: "{ fingerprintLibraries { edges { node { id } } } }" }, { query: "{ a: fingerprintLibraries { totalCount } b: fingerprintLibraries { totalCount } c: fingerprintLibraries { totalCount } }" }],
      KEY_B,
    );
    expect(answered.status).toBe(200);
    const [ok, deep, aliased] = answered.body as GraphQLResponse[];
    expect(ok).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    expect(deep!.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MAX_DEPTH" });
    expect(aliased!.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MAX_ALIASES" });
  });

  it("counts each operation against the tenant's rate limit, and answers the one over it alone (200, per-operation error)", async () => {
    const first = await batch(limited, [COUNT, COUNT, COUNT], KEY_A);
    expect(first.body.map((result: GraphQLResponse) => result.errors)).toEqual([undefined, undefined, undefined]);
    // 3 points spent of 4: the next batch's first operation runs, the other two are refused.
    const second = await batch(limited, [COUNT, COUNT, COUNT], KEY_A);
    expect(second.status).toBe(200);
    expect(second.headers.get("retry-after")).toBeNull();
    const outcomes = (second.body as GraphQLResponse[]).map((result) => (result.errors ? result.errors[0]!.extensions!.reason : "ok"));
    expect(outcomes.sort()).toEqual(["RATE_LIMITED", "RATE_LIMITED", "ok"]);
    const refusal = (second.body as GraphQLResponse[]).find((result) => result.errors)!.errors![0]!;
    expect(refusal.extensions).toMatchObject({ code: "FORBIDDEN", reason: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    // A single request of the same tenant is over the limit too: one budget for both.
    const single = await limited.post(JSON.stringify(COUNT), { authorization: `Bearer ${KEY_A}` });
    expect(single.status).toBe(429);
    // Another tenant is untouched.
    expect((await batch(limited, [COUNT], KEY_B)).body[0]).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
  });

  it("answers an empty batch with 400", async () => {
    expect((await batch(defaults, [])).status).toBe(400);
  });
});
