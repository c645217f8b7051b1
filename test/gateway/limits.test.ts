/** Abuse limits: each refusal has its own reason and a message that names the limit. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "graphql-ws";
import { eventually, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe } from "../support/subscription-client.js";

const KEY_A = "limits-tenant-a-0123456789";
const KEY_B = "limits-tenant-b-0123456789";

let h: Harness;
let production: Harness;
const clients: Client[] = [];

beforeAll(async () => {
  h = await startHarness({
    env: {
      API_KEYS: `a:${KEY_A},b:${KEY_B}`,
      MAX_DEPTH: "3",
      MAX_ALIASES: "3",
      MAX_TOKENS: "200",
      RATE_LIMIT_REQUESTS: "25",
      RATE_LIMIT_WINDOW_SECONDS: "60",
      MAX_SUBSCRIPTIONS_PER_CONNECTION: "2",
      MAX_SUBSCRIPTIONS_PER_TENANT: "3",
    },
  });
  production = await startHarness({ env: { NODE_ENV: "production", ALLOW_UNAUTHENTICATED: "true" } });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await h.close();
  await production.close();
});

async function as(key: string, query: string, target: Harness = h): Promise<GraphQLResponse & { status: number; headers: Headers }> {
  const response = await target.post(JSON.stringify({ query }), { authorization: `Bearer ${key}` });
  return { ...((await response.json()) as GraphQLResponse), status: response.status, headers: response.headers };
}
const extensions = (response: GraphQLResponse) => response.errors?.[0]?.extensions;

describe("document limits", () => {
  it("enforces depth, aliases and tokens, each with its own reason", async () => {
    expect((await as(KEY_A, `{ fingerprintLibraries { nodes { id } } }`)).errors).toBeUndefined();
    const cases: Array<[string, string]> = [
      [`{ fingerprintLibraries { edges { node { id } } } }`, "MAX_DEPTH"],
      [`{ a: fingerprintLibraries { totalCount } b: fingerprintLibraries { totalCount } c: fingerprintLibraries { totalCount } d: fingerprintLibraries { totalCount } }`, "MAX_ALIASES"],
      [`{ fingerprintLibraries { totalCount ${"totalCount ".repeat(250)} } }`, "MAX_TOKENS"],
    ];
    for (const [query, reason] of cases) {
      const response = await as(KEY_A, query);
      expect(extensions(response)).toMatchObject({ code: "BAD_USER_INPUT", reason });
      expect(response.errors![0].message).toMatch(/limit|more than \d+ tokens/i);
      expect(response.errors![0].message).not.toMatch(/^Syntax Error/);
    }
  });
});

describe("introspection and CSRF", () => {
  it("answers introspection outside production and refuses it in production", async () => {
    expect((await as(KEY_A, `{ __schema { queryType { name } } }`)).data).toEqual({ __schema: { queryType: { name: "Query" } } });
    const refused = await as("ignored-in-open-mode-key", `{ __schema { queryType { name } } }`, production);
    expect(extensions(refused)).toMatchObject({ code: "BAD_USER_INPUT", reason: "INTROSPECTION_DISABLED" });
  });

  it("blocks a simple cross-site request (text/plain POST)", async () => {
    const response = await fetch(h.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${KEY_A}` },
      body: JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }" }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });
});

describe("per-tenant rate limit", () => {
  it("answers 429 FORBIDDEN/RATE_LIMITED with Retry-After once a tenant is over, and leaves other tenants alone", async () => {
    let limited: Awaited<ReturnType<typeof as>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const response = await as(KEY_B, "{ fingerprintLibraries { totalCount } }");
      if (response.status === 429) limited = response;
    }
    expect(limited).toBeDefined();
    expect(extensions(limited!)).toMatchObject({ code: "FORBIDDEN", reason: "RATE_LIMITED" });
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited!.errors![0].message).toMatch(/more than 25 operations in 60 s/);
    expect((await as(KEY_A, "{ fingerprintLibraries { totalCount } }")).status).toBe(200);
  });
});

describe("subscription caps", () => {
  const SUB = "subscription { fingerprintLibraryActivated { eventId } }";

  it("refuses a subscription past the per-connection and the per-tenant cap", async () => {
    const first = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
    const second = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
    clients.push(first, second);
    const base = h.gateway.events.subscriberCount;
    const s1 = subscribe(first, SUB);
    const s2 = subscribe(first, SUB);
    await eventually(async () => h.gateway.events.subscriberCount >= base + 2);
    const s3 = subscribe(first, SUB);
    await eventually(async () => s3.errors.length > 0);
    expect((s3.errors[0] as any)[0]?.extensions ?? (s3.errors[0] as any).extensions).toMatchObject({ code: "FORBIDDEN", reason: "SUBSCRIPTION_LIMIT" });

    const s4 = subscribe(second, SUB); // the tenant's third
    await eventually(async () => h.gateway.events.subscriberCount >= base + 3);
    const s5 = subscribe(second, SUB); // the tenant's fourth
    await eventually(async () => s5.errors.length > 0);
    expect(JSON.stringify(s5.errors)).toMatch(/limit per tenant/);

    // Completing one frees a place.
    s1.stop();
    await eventually(async () => h.gateway.events.subscriberCount === base + 2);
    const s6 = subscribe(second, SUB);
    await eventually(async () => h.gateway.events.subscriberCount >= base + 3);
    expect(s6.errors).toEqual([]);
    for (const s of [s2, s4, s6]) s.stop();
  });
});
