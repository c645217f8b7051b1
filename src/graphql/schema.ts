import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type DocumentNode, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema, createResolversMap } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { fromGlobalId } from "./global-id.js";
import { restrictServiceFieldToRouter } from "./router-only.js";
import { LibraryMutationResolver } from "./resolvers/library-mutation.resolver.js";
import { LibraryQueryResolver } from "./resolvers/library-query.resolver.js";
import { JobSubscriptionResolver } from "./resolvers/job-subscription.resolver.js";
import { LibrarySubscriptionResolver } from "./resolvers/library-subscription.resolver.js";
import { DateTimeScalar } from "./scalars.js";
import { FingerprintLibraryType } from "./types/library.js";

export const RESOLVERS = [LibraryQueryResolver, LibraryMutationResolver, LibrarySubscriptionResolver, JobSubscriptionResolver] as const;

/**
 * The Apollo Federation version this subgraph speaks (2.4 is the first that lets a router
 * pass subscriptions through to a subgraph), and the federation directives it uses (on the
 * type-graphql classes with `@Directive`).
 */
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.4", import: ["@key"])';

/**
 * The public API as type-graphql builds it: what `schema/schema.graphql` publishes and
 * clients (codegen) compile against. Input rules live in the domain, so class-validator is off.
 */
export function buildApiSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    // type-graphql refuses subscriptions without a pubSub, even though every subscription
    // here brings its own `subscribe` (the event relay); this one is never published to.
    pubSub: createPubSub(),
  });
}

/**
 * The SDL a supergraph composes: the public API with its directives (`@key` on
 * FingerprintLibrary) and the federation `@link`. Also what `_service { sdl }` answers.
 */
export function subgraphTypeDefs(api: GraphQLSchema): DocumentNode {
  return parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(api)}`);
}

/**
 * The executable schema the gateway serves over HTTP and WebSocket: the public API as an
 * Apollo Federation v2 subgraph. It adds `_service` and `_entities` to Query; an entity
 * reference `{ __typename: "FingerprintLibrary", id }` is resolved through the request's
 * `libraryById` DataLoader, so a router's `_entities` call for many libraries is one
 * registry query. Subscriptions keep their type-graphql `subscribe` (createResolversMap
 * carries it over), so graphql-ws serves this same schema object. `_service` answers only
 * the federation router (router-only.ts).
 */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const api = await buildApiSchema();
  const resolvers: Record<string, any> = createResolversMap(api);
  resolvers.FingerprintLibrary = {
    ...resolvers.FingerprintLibrary,
    __resolveReference: resolveLibraryReference,
  };
  const schema = buildSubgraphSchema({ typeDefs: subgraphTypeDefs(api), resolvers });
  restrictServiceFieldToRouter(schema);
  return schema;
}

/** A library another subgraph refers to by id; null when it is not one of this tenant's. */
async function resolveLibraryReference(reference: { id?: unknown }, ctx: GatewayContext): Promise<FingerprintLibraryType | null> {
  const parsed = typeof reference.id === "string" ? fromGlobalId(reference.id) : null;
  if (!parsed || parsed.type !== "FingerprintLibrary") return null;
  const library = await ctx.loaders.libraryById.load(parsed.id);
  return library ? FingerprintLibraryType.from(library) : null;
}
