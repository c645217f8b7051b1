/**
 * Every per-operation guard applies the same way whichever transport carried the operation:
 * the per-tenant rate limit, the document limits, the introspection policy and the hiding of
 * "Did you mean" suggestions hold over graphql-ws exactly as over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CREATE } from "../support/documents.js";
import { startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { httpExecute, openSocket, wsExecute, type SocketClient } from "../support/ws-operation.js";

const KEY_WS = "guards-tenant-ws-0123456789";
const KEY_MIX = "guards-tenant-mix-0123456789";
const KEY_OTHER = "guards-tenant-other-0123456789";
const KEY_DOCS = "guards-tenant-docs-0123456789";
const RATE_LIMIT = 5;

let limited: Harness;
let production: Harness;
const sockets: SocketClient[] = [];

beforeAll(async () => {
  limited = await startHarness({
    env: {
      API_KEYS: `ws:${KEY_WS},mix:${KEY_MIX},other:${KEY_OTHER},docs:${KEY_DOCS}`,
      RATE_LIMIT_REQUESTS: String(RATE_LIMIT),
      RATE_LIMIT_WINDOW_SECONDS: "600",
      MAX_ALIASES: "3",
    },
    emulator: { activationDelayMs: 3_600_000, libraryQuota: 100 },
  });
  production = await startHarness({ env: { NODE_ENV: "production", ALLOW_UNAUTHENTICATED: "true", RATE_LIMIT_REQUESTS: "0" } });
});
afterAll(async () => {
  for (const socket of sockets) await socket.client.dispose();
  await limited?.close();
  await production?.close();
});

function socketFor(h: Harness, key?: string) {
  const socket = openSocket(h.gateway.graphqlUrl, key ? { Authorization: `Bearer ${key}` } : undefined);
  sockets.push(socket);
  return socket.client;
}

const rateLimited = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.reason === "RATE_LIMITED";

describe("the per-tenant rate limit", () => {
  it("counts queries and mutations sent over graphql-ws: 10 creates under a limit of 5 reach the backend 5 times", async () => {
    const client = socketFor(limited, KEY_WS);
    const before = limited.emulator.control.state().libraries.length;
    const answers: GraphQLResponse[] = [];
    for (let i = 0; i < 2 * RATE_LIMIT; i++) {
      answers.push(await wsExecute(client, CREATE, { input: { name: `over-ws-${i}`, model: "IMAGE" } }));
    }
    const created = answers.filter((answer) => answer.data?.createFingerprintLibrary?.library?.id);
    const refused = answers.filter(rateLimited);
    expect(created).toHaveLength(RATE_LIMIT);
    expect(refused).toHaveLength(RATE_LIMIT);
    expect(refused[0].errors![0].extensions).toMatchObject({ code: "FORBIDDEN", reason: "RATE_LIMITED" });
    expect(refused[0].errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Only what the gateway admitted reached the backend.
    expect(limited.emulator.control.state().libraries.length - before).toBe(RATE_LIMIT);
  });

  it("draws HTTP and graphql-ws operations from one budget per tenant, and leaves other tenants alone", async () => {
    const client = socketFor(limited, KEY_MIX);
    const query = "{ fingerprintLibraries { totalCount } }";
    for (let i = 0; i < 3; i++) expect((await httpExecute(limited, KEY_MIX, query)).errors).toBeUndefined();
    for (let i = 0; i < 2; i++) expect((await wsExecute(client, query)).errors).toBeUndefined();
    expect(rateLimited(await wsExecute(client, query))).toBe(true);
    expect(rateLimited(await httpExecute(limited, KEY_MIX, query))).toBe(true);

    const other = socketFor(limited, KEY_OTHER);
    expect((await wsExecute(other, query)).errors).toBeUndefined();
  });
});

type Send = (h: Harness, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>;
const transports: Array<[string, Send]> = [
  ["HTTP", (h, query, variables) => httpExecute(h, h === limited ? KEY_DOCS : undefined, query, variables)],
  ["graphql-ws", (h, query, variables) => wsExecute(socketFor(h, h === limited ? KEY_DOCS : undefined), query, variables)],
];

describe.each(transports)("document guards over %s", (_name, send) => {
  const first = (response: GraphQLResponse) => response.errors?.[0];

  it("hides field, argument and enum-value suggestions when introspection is off", async () => {
    const cases = [
      `{ fingerprintLibrarie { totalCount } }`,
      `{ fingerprintLibraries(firs: 2) { totalCount } }`,
      `{ fingerprintLibraries(filter: { model: VIDE }) { totalCount } }`,
    ];
    for (const query of cases) {
      const error = first(await send(production, query));
      expect(error?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(error?.message).not.toMatch(/did you mean/i);
      expect(error?.message).not.toMatch(/"fingerprintLibraries"|"first"|"VIDEO"/);
    }
    // Variables are coerced after validation; their suggestions are hidden too.
    const coerced = first(await send(production, `query($m: FingerprintModel) { fingerprintLibraries(filter: { model: $m }) { totalCount } }`, { m: "VIDE" }));
    expect(coerced?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(coerced?.message).not.toMatch(/did you mean|"VIDEO"/i);
  });

  it("refuses introspection in production", async () => {
    expect(first(await send(production, `{ __schema { queryType { name } } }`))?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "INTROSPECTION_DISABLED" });
  });

  it("enforces the document limits, with the same reason and message", async () => {
    const error = first(await send(limited, `{ a: fingerprintLibraries { totalCount } b: fingerprintLibraries { totalCount } c: fingerprintLibraries { totalCount } d: fingerprintLibraries { totalCount } }`));
    expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MAX_ALIASES" });
    expect(error?.message).toMatch(/^Aliases limit of 3 exceeded/);
  });
});
