import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type DocumentNode, type GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema, createResolversMap } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { notFound } from "../domain/errors.js";
import { fromGlobalId } from "./global-id.js";
import { restrictServiceFieldToRouter } from "./router-only.js";
import { JobCancelResolver } from "./resolvers/job-cancel.resolver.js";
import { LibraryFilesResolver } from "./resolvers/library-files.resolver.js";
import { FileDeletionResolver } from "./resolvers/file-deletion.resolver.js";
import { FileDeletionSubscriptionResolver } from "./resolvers/file-deletion-subscription.resolver.js";
import { loadNode } from "./node-loader.js";
import { DuplicateSearchFieldsResolver, FingerprintJobFieldsResolver, LibraryJobsResolver, LibraryMatchFieldsResolver } from "./resolvers/job-fields.resolver.js";
import { JobMutationResolver } from "./resolvers/job-mutation.resolver.js";
import { JobQueryResolver } from "./resolvers/job-query.resolver.js";
import { LibraryMutationResolver } from "./resolvers/library-mutation.resolver.js";
import { LibraryQueryResolver } from "./resolvers/library-query.resolver.js";
import { JobSubscriptionResolver } from "./resolvers/job-subscription.resolver.js";
import { LibrarySubscriptionResolver } from "./resolvers/library-subscription.resolver.js";
import { DateTimeScalar } from "./scalars.js";

export const RESOLVERS = [
  LibraryQueryResolver,
  LibraryMutationResolver,
  LibrarySubscriptionResolver,
  JobQueryResolver,
  JobMutationResolver,
  FingerprintJobFieldsResolver,
  DuplicateSearchFieldsResolver,
  LibraryMatchFieldsResolver,
  LibraryJobsResolver,
  LibraryFilesResolver,
  FileDeletionResolver,
  FileDeletionSubscriptionResolver,
  JobCancelResolver,
  JobSubscriptionResolver,
] as const;

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
  // Entities: each reference goes through the request's DataLoader of its type, so a
  // router's `_entities` call for many ids is one store query per type.
  for (const type of ["FingerprintLibrary", "FingerprintJob", "DuplicateSearch"] as const) {
    resolvers[type] = { ...resolvers[type], __resolveReference: (reference: { id?: unknown }, ctx: GatewayContext) => resolveReference(type, reference, ctx) };
  }
  const schema = buildSubgraphSchema({ typeDefs: subgraphTypeDefs(api), resolvers });
  restrictServiceFieldToRouter(schema);
  return schema;
}

/**
 * An object another subgraph refers to by id. One this tenant does not have (never
 * existed, deleted, another tenant's, another type's: answered alike, so ids do not leak) is
 * what the federation subgraph spec calls a representation with no entity: its `_entities`
 * entry is null. Thrown as NOT_FOUND, the entry is still null and the error, at
 * `["_entities", index]`, tells the router why; without it a router only sees a null where
 * the supergraph promises non-null fields, and reports that as an internal error.
 */
async function resolveReference(type: string, reference: { id?: unknown }, ctx: GatewayContext) {
  const found = await loadNode(typeof reference.id === "string" ? fromGlobalId(reference.id) : null, ctx, type);
  if (!found) throw notFound(`${type} ${String(reference.id)}`);
  return found;
}
