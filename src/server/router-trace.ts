/**
 * Inline traces (`apollo-federation-include-trace: ftv1`): Apollo Server adds them for any
 * caller of a subgraph, and a trace shows every resolved field's path and timing. This is
 * Apollo's own plugin, installed in place of its default (same internal id), that traces
 * only a request from the federation router (GatewayContext.router), with error messages
 * masked in the trace.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import type { GatewayContext } from "../graphql/context.js";

export function routerOnlyInlineTrace(): ApolloServerPlugin<GatewayContext> {
  const inline = ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }) as ApolloServerPlugin<GatewayContext>;
  return {
    // Keeps __internal_plugin_id__ "InlineTrace", so Apollo does not add its default one too.
    ...inline,
    async requestDidStart(requestContext) {
      if (!requestContext.contextValue.router) return;
      return inline.requestDidStart?.(requestContext);
    },
  };
}
