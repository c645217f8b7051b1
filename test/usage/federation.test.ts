/**
 * The gateway as an Apollo Federation v2 subgraph, proven through a router: its
 * `_service { sdl }` (fetched from the running gateway) is composed with a second subgraph
 * that extends FingerprintLibrary, and @apollo/gateway serves the supergraph in-process.
 * Entity references into this subgraph are resolved in one registry query per request.
 */
import { ApolloGateway } from "@apollo/gateway";
import { composeServices } from "@apollo/composition";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toGlobalId } from "../../src/graphql/global-id.js";
import { CREATE } from "../support/documents.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
const libraryIds: string[] = [];

// The second subgraph: how often each library was used, which only it knows.
const usageTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type FingerprintLibrary @key(fields: "id") {
    id: ID!
    "How many fingerprint jobs used the library."
    usageCount: Int!
  }

  type Query {
    "The libraries used most, most used first."
    mostUsedLibraries(first: Int!): [FingerprintLibrary!]!
  }
`);
const usageOf = (id: string) => 100 - libraryIds.indexOf(id);
/** The representations of each `_entities` request the usage subgraph answered. */
const usageEntityCalls: number[] = [];
const countEntities: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    if (request.query?.includes("_entities")) usageEntityCalls.push((request.variables?.representations as unknown[]).length);
  },
};
let usage: ApolloServer;
let usageUrl: string;

let router: ApolloServer;
let routerUrl: string;
let supergraphSdl: string;

async function viaRouter<T = any>(query: string): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(routerUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

beforeAll(async () => {
  h = await startHarness({ emulator: { activationDelayMs: 3_600_000, libraryQuota: 100 } });
  for (const [i, model] of (["VIDEO", "AUDIO", "IMAGE", "TEXT", "VIDEO", "IMAGE"] as const).entries()) {
    const response = await h.gql(CREATE, { input: { name: `library-${i}`, model } });
    expect(response.errors).toBeUndefined();
    libraryIds.push(response.data!.createFingerprintLibrary.library.id);
  }

  usage = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: usageTypeDefs,
      resolvers: {
        Query: { mostUsedLibraries: (_: unknown, { first }: { first: number }) => libraryIds.slice(0, first).map((id) => ({ id })) },
        FingerprintLibrary: {
          __resolveReference: ({ id }: { id: string }) => ({ id, usageCount: usageOf(id) }),
          usageCount: ({ id }: { id: string }) => usageOf(id),
        },
      } as any,
    }),
    plugins: [countEntities, ApolloServerPluginInlineTraceDisabled()],
  });
  usageUrl = (await startStandaloneServer(usage, { listen: { port: 0, host: "127.0.0.1" } })).url;

  // What a supergraph build (rover supergraph compose) reads from this subgraph.
  const service = await h.gql<{ _service: { sdl: string } }>(`{ _service { sdl } }`);
  expect(service.errors).toBeUndefined();
  const composed = composeServices([
    { name: "fingerprints", typeDefs: parse(service.data!._service.sdl), url: h.gateway.graphqlUrl },
    { name: "usage", typeDefs: usageTypeDefs, url: usageUrl },
  ]);
  expect(composed.errors).toBeUndefined();
  supergraphSdl = composed.supergraphSdl!;

  router = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) as any });
  routerUrl = (await startStandaloneServer(router, { listen: { port: 0, host: "127.0.0.1" } })).url;
});
afterAll(async () => {
  await router?.stop();
  await usage?.stop();
  await h?.close();
});

describe("the subgraph", () => {
  it("publishes its Federation v2 SDL in _service, with the @link and FingerprintLibrary's @key", async () => {
    const sdl = (await h.gql<{ _service: { sdl: string } }>(`{ _service { sdl } }`)).data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.4", import: ["@key"])');
    expect(sdl).toMatch(/type FingerprintLibrary implements Node\s+@key\(fields: "id"\)/);
    // The public API is all there, with its descriptions.
    for (const name of ["createFingerprintLibrary", "fingerprintLibraries", "fingerprintLibraryActivated", "fingerprintLibraryStatusChanged"]) {
      expect(sdl).toContain(name);
    }
    expect(sdl).toContain("A fingerprint library on ICE or MPS, as the gateway's registry knows it.");
    expect(supergraphSdl).toContain("usageCount");
  });

  it("answers _entities for many representations with one registry query, null for ids it does not have", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const representations = [
        ...libraryIds.slice(0, 3).map((id) => ({ __typename: "FingerprintLibrary", id })),
        { __typename: "FingerprintLibrary", id: toGlobalId("FingerprintLibrary", "00000000-0000-4000-8000-000000000000") },
        { __typename: "FingerprintLibrary", id: "not-a-global-id" },
      ];
      const response = await h.gql<{ _entities: Array<{ id: string; name: string } | null> }>(
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on FingerprintLibrary { id name } } }`,
        { representations },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toEqual([
        { id: libraryIds[0], name: "library-0" },
        { id: libraryIds[1], name: "library-1" },
        { id: libraryIds[2], name: "library-2" },
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
    usageEntityCalls.length = 0;
    const response = await viaRouter(`{ fingerprintLibraries(first: 5) { totalCount nodes { id name model usageCount } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data.fingerprintLibraries.totalCount).toBe(6);
    expect(response.data.fingerprintLibraries.nodes).toEqual(
      libraryIds.slice(0, 5).map((id, i) => ({ id, name: `library-${i}`, model: ["VIDEO", "AUDIO", "IMAGE", "TEXT", "VIDEO"][i], usageCount: 100 - i })),
    );
    expect(usageEntityCalls).toEqual([5]);
  });

  it("resolves this subgraph's fields for libraries the other subgraph names, in one registry query", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const response = await viaRouter(`{ mostUsedLibraries(first: 4) { id usageCount name backend status } }`);
      expect(response.errors).toBeUndefined();
      expect(response.data.mostUsedLibraries).toEqual(
        libraryIds.slice(0, 4).map((id, i) => ({ id, usageCount: 100 - i, name: `library-${i}`, backend: ["ICE", "ICE", "MPS", "MPS"][i], status: "OFFLINE" })),
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
