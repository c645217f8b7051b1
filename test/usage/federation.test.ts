/**
 * The gateway as an Apollo Federation v2 subgraph, proven through a router: its
 * `_service { sdl }` (fetched from the running gateway) is composed with a second subgraph
 * that extends FingerprintLibrary, and @apollo/gateway serves the supergraph in-process.
 * Entity references into this subgraph are resolved in one registry query per request.
 * The router proves itself with the router secret header (ROUTER_SECRET): only it reads
 * `_service` and gets inline traces.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toGlobalId } from "../../src/graphql/global-id.js";
import { CREATE } from "../support/documents.js";
import { startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { composeSupergraph, startUsageSubgraph, type UsageSubgraph } from "../support/usage-subgraph.js";
import { openSocket, wsExecute, type SocketClient } from "../support/ws-operation.js";

const ROUTER_SECRET = "router-secret-for-the-federation-test-0123456789";
const ROUTER_HEADER = "x-router-secret";
const SDL = `{ _service { sdl } }`;

let h: Harness;
const sockets: SocketClient[] = [];

// The second subgraph (test/support/usage-subgraph.ts): how often each library was used.
let usage: UsageSubgraph;
const libraryIds = (): string[] => usage.libraryIds;

let router: ApolloServer;
let routerUrl: string;
let supergraphSdl: string;

async function viaRouter<T = any>(query: string): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(routerUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

/** A request to the gateway itself, as the router (with the secret) or as anyone else. */
async function direct<T = any>(query: string, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  return (await (await h.post(JSON.stringify({ query }), headers)).json()) as GraphQLResponse<T>;
}
const asRouter = { [ROUTER_HEADER]: ROUTER_SECRET };

beforeAll(async () => {
  h = await startHarness({ env: { ROUTER_SECRET }, emulator: { activationDelayMs: 3_600_000, libraryQuota: 100 } });
  usage = await startUsageSubgraph();
  for (const [i, model] of (["VIDEO", "AUDIO", "IMAGE", "TEXT", "VIDEO", "IMAGE"] as const).entries()) {
    const response = await h.gql(CREATE, { input: { name: `library-${i}`, model } });
    expect(response.errors).toBeUndefined();
    usage.libraryIds.push(response.data!.createFingerprintLibrary.library.id);
  }

  // What a supergraph build (rover supergraph compose) reads from this subgraph.
  const service = await direct<{ _service: { sdl: string } }>(SDL, asRouter);
  expect(service.errors).toBeUndefined();
  supergraphSdl = composeSupergraph(service.data!._service.sdl, h.gateway.graphqlUrl, usage.url);

  // The router sends the secret to this subgraph on every request (Apollo Router: a
  // `headers` insert rule; Hive Gateway: transportEntries headers; see docs/security.md).
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          if (name === "fingerprints") request.http?.headers.set(ROUTER_HEADER, ROUTER_SECRET);
        },
      }),
  });
  router = new ApolloServer({ gateway: gateway as any });
  routerUrl = (await startStandaloneServer(router, { listen: { port: 0, host: "127.0.0.1" } })).url;
});
afterAll(async () => {
  for (const socket of sockets) await socket.client.dispose();
  await router?.stop();
  await usage?.stop();
  await h?.close();
});

describe("the subgraph", () => {
  it("publishes its Federation v2 SDL in _service, with the @link and FingerprintLibrary's @key", async () => {
    const sdl = (await direct<{ _service: { sdl: string } }>(SDL, asRouter)).data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.4", import: ["@key"])');
    expect(sdl).toMatch(/type FingerprintLibrary implements Node\s+@key\(fields: "id"\)/);
    // The public API is all there, with its descriptions.
    for (const name of ["createFingerprintLibrary", "fingerprintLibraries", "fingerprintLibraryActivated", "fingerprintLibraryStatusChanged"]) {
      expect(sdl).toContain(name);
    }
    expect(sdl).toContain("A fingerprint library on ICE or MPS, as the gateway's registry knows it.");
    expect(supergraphSdl).toContain("usageCount");
  });

  it("answers _entities for many representations with one registry query; an id it does not have is null with NOT_FOUND", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const representations = [
        ...libraryIds().slice(0, 3).map((id) => ({ __typename: "FingerprintLibrary", id })),
        { __typename: "FingerprintLibrary", id: toGlobalId("FingerprintLibrary", "00000000-0000-4000-8000-000000000000") },
        { __typename: "FingerprintLibrary", id: "not-a-global-id" },
      ];
      const response = await h.gql<{ _entities: Array<{ id: string; name: string } | null> }>(
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on FingerprintLibrary { id name } } }`,
        { representations },
      );
      // The subgraph spec: an entry with no entity is null. The error beside it, at its
      // index, tells a router why, instead of a null it could only call an internal error.
      const errors = (response.errors ?? []).map((error) => [error.extensions?.code, error.path]);
      expect(errors.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
        ["NOT_FOUND", ["_entities", 3]],
        ["NOT_FOUND", ["_entities", 4]],
      ]);
      expect(response.data!._entities).toEqual([
        { id: libraryIds()[0], name: "library-0" },
        { id: libraryIds()[1], name: "library-1" },
        { id: libraryIds()[2], name: "library-2" },
        null,
        null,
      ]);
      expect(findManyByIds).toHaveBeenCalledTimes(1);
      expect(findManyByIds.mock.calls[0]![1]).toHaveLength(4);
    } finally {
      findManyByIds.mockRestore();
    }
  });
});

describe("through a router, with a second subgraph that extends FingerprintLibrary", () => {
  it("reads fields of both subgraphs for a page of libraries, the other subgraph's in one _entities batch", async () => {
    usage.entityCalls.length = 0;
    const response = await viaRouter(`{ fingerprintLibraries(first: 5) { totalCount nodes { id name model usageCount } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.fingerprintLibraries.totalCount).toBe(6);
    expect(response.data.fingerprintLibraries.nodes).toEqual(
      libraryIds().slice(0, 5).map((id, i) => ({ id, name: `library-${i}`, model: ["VIDEO", "AUDIO", "IMAGE", "TEXT", "VIDEO"][i], usageCount: 100 - i })),
    );
    expect(usage.entityCalls).toEqual([5]);
  });

  it("resolves this subgraph's fields for libraries the other subgraph names, in one registry query", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const response = await viaRouter(`{ mostUsedLibraries(first: 4) { id usageCount name backend status } }`);
      expect(response.errors).toBeUndefined();
      expect(response.data.mostUsedLibraries).toEqual(
        libraryIds().slice(0, 4).map((id, i) => ({ id, usageCount: 100 - i, name: `library-${i}`, backend: ["ICE", "ICE", "MPS", "MPS"][i], status: "OFFLINE" })),
      );
      // Four references, one _entities call, one DataLoader batch, one query.
      expect(findManyByIds).toHaveBeenCalledTimes(1);
      expect([...findManyByIds.mock.calls[0]![1]].sort()).toHaveLength(4);
    } finally {
      findManyByIds.mockRestore();
    }
  });

  it("keeps the gateway's error codes when a router forwards them", async () => {
    const response = await viaRouter(`{ fingerprintLibraries(first: 500) { totalCount } }`);
    expect(response.errors).toHaveLength(1);
    expect((response.errors![0] as any).extensions.code).toBe("BAD_USER_INPUT");
  });
});

describe("what only the router gets", () => {
  const refusedAsRouterOnly = (response: GraphQLResponse) => {
    expect(response.data?._service ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "ROUTER_ONLY" });
    expect(JSON.stringify(response)).not.toContain("FingerprintLibrary");
  };

  it("refuses _service without the router secret, or with a wrong one, over HTTP", async () => {
    refusedAsRouterOnly(await direct(SDL));
    refusedAsRouterOnly(await direct(SDL, { [ROUTER_HEADER]: `${ROUTER_SECRET.slice(0, -1)}x` }));
    refusedAsRouterOnly(await direct(`query { ...S } fragment S on Query { renamed: _service { sdl } }`));
  });

  it("refuses _service over graphql-ws without the secret and serves it with it", async () => {
    const anyone = openSocket(h.gateway.graphqlUrl);
    const router = openSocket(h.gateway.graphqlUrl, { [ROUTER_HEADER]: ROUTER_SECRET });
    sockets.push(anyone, router);
    refusedAsRouterOnly(await wsExecute(anyone.client, SDL));
    expect((await wsExecute<{ _service: { sdl: string } }>(router.client, SDL)).data?._service.sdl).toContain("@key");
  });

  it("adds an inline trace (ftv1) only for the router", async () => {
    const query = `{ fingerprintLibraries(first: 1) { totalCount } }`;
    const traced = { "apollo-federation-include-trace": "ftv1" };
    const anyone = (await direct(query, traced)) as GraphQLResponse & { extensions?: Record<string, unknown> };
    expect(anyone.errors).toBeUndefined();
    expect(anyone.extensions?.ftv1).toBeUndefined();
    const router = (await direct(query, { ...traced, ...asRouter })) as GraphQLResponse & { extensions?: Record<string, unknown> };
    expect(typeof router.extensions?.ftv1).toBe("string");
  });

  it("never writes the router secret to a log", () => {
    expect(h.logs.join("\n")).not.toContain(ROUTER_SECRET);
  });

  it("in production without ROUTER_SECRET, serves _service to nobody", async () => {
    const production = await startHarness({ env: { NODE_ENV: "production", ALLOW_UNAUTHENTICATED: "true" }, sharedEmulator: h.emulator });
    try {
      const response = (await (await production.post(JSON.stringify({ query: SDL }), asRouter)).json()) as GraphQLResponse;
      refusedAsRouterOnly(response);
    } finally {
      await production.close();
    }
  });
});
