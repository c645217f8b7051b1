/**
 * `_service { sdl }` is the whole subgraph schema, directives and all: a router composing
 * the supergraph needs it, a tenant must not read it when introspection is off. Its resolver
 * answers only a request that proved it comes from the router (GatewayContext.router); being
 * a resolver, the rule holds on every transport.
 */
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GatewayContext } from "./context.js";

export function restrictServiceFieldToRouter(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._service;
  if (!field?.resolve) throw new Error("the subgraph schema has no _service resolver to restrict");
  const serve = field.resolve;
  field.resolve = (source, args, context: GatewayContext, info) => {
    if (!context.router) {
      throw new GraphQLError("_service (the subgraph schema) is served only to the federation router, which proves itself with the router secret header.", {
        extensions: { code: "FORBIDDEN", reason: "ROUTER_ONLY" },
      });
    }
    return serve(source, args, context, info);
  };
}
