import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { LibraryMutationResolver } from "./resolvers/library-mutation.resolver.js";
import { LibraryQueryResolver } from "./resolvers/library-query.resolver.js";
import { DateTimeScalar } from "./scalars.js";

export const RESOLVERS = [LibraryQueryResolver, LibraryMutationResolver] as const;

/** The executable schema. Input rules live in the domain, so class-validator is off. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
  });
}
