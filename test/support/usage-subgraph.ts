/**
 * A small second subgraph for the router tests: it extends FingerprintLibrary (by its
 * `@key(fields: "id")`) with `usageCount`, which only it knows, and names libraries of its
 * own through `mostUsedLibraries` and `libraryById`, so a router must ask this gateway for
 * the rest of their fields in `_entities`. `compose` builds the supergraph from this
 * gateway's `_service { sdl }` and this subgraph, as `rover supergraph compose` would.
 */
import { composeServices } from "@apollo/composition";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

export const usageTypeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type FingerprintLibrary @key(fields: "id") {
    id: ID!
    "How many fingerprint jobs used the library."
    usageCount: Int!
  }

  type Query {
    "The libraries used most, most used first."
    mostUsedLibraries(first: Int!): [FingerprintLibrary!]!
    "A library this subgraph has usage for, by id (it may be gone, or another tenant's, in the gateway)."
    libraryById(id: ID!): FingerprintLibrary
  }
`);

export interface UsageSubgraph {
  url: string;
  /** The libraries it knows, most used first: the test fills it. */
  libraryIds: string[];
  /** For each `_entities` request it answered, how many representations it carried. */
  entityCalls: number[];
  stop(): Promise<void>;
}

export async function startUsageSubgraph(): Promise<UsageSubgraph> {
  const libraryIds: string[] = [];
  const entityCalls: number[] = [];
  const countEntities: ApolloServerPlugin = {
    async requestDidStart({ request }) {
      if (request.query?.includes("_entities")) entityCalls.push((request.variables?.representations as unknown[]).length);
    },
  };
  const usageOf = (id: string) => 100 - Math.max(0, libraryIds.indexOf(id));
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: usageTypeDefs,
      resolvers: {
        Query: {
          mostUsedLibraries: (_: unknown, { first }: { first: number }) => libraryIds.slice(0, first).map((id) => ({ id })),
          libraryById: (_: unknown, { id }: { id: string }) => ({ id }),
        },
        FingerprintLibrary: {
          __resolveReference: ({ id }: { id: string }) => ({ id }),
          usageCount: ({ id }: { id: string }) => usageOf(id),
        },
      } as any,
    }),
    plugins: [countEntities, ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, libraryIds, entityCalls, stop: () => server.stop() };
}

/** The supergraph SDL of this gateway (named `fingerprints`) and the usage subgraph. */
export function composeSupergraph(fingerprintsSdl: string, fingerprintsUrl: string, usageUrl: string): string {
  const composed = composeServices([
    { name: "fingerprints", typeDefs: parse(fingerprintsSdl), url: fingerprintsUrl },
    { name: "usage", typeDefs: usageTypeDefs, url: usageUrl },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((error) => error.message).join("; ")}`);
  return composed.supergraphSdl;
}
