import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { createPubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { LibraryMutationResolver } from "./resolvers/library-mutation.resolver.js";
import { LibraryQueryResolver } from "./resolvers/library-query.resolver.js";
import { LibrarySubscriptionResolver } from "./resolvers/library-subscription.resolver.js";
import { DateTimeScalar } from "./scalars.js";

export const RESOLVERS = [LibraryQueryResolver, LibraryMutationResolver, LibrarySubscriptionResolver] as const;

/** The executable schema. Input rules live in the domain, so class-validator is off. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    // type-graphql refuses subscriptions without a pubSub, even though every subscription
    // here brings its own `subscribe` (the event relay); this one is never published to.
    pubSub: createPubSub(),
  });
}
