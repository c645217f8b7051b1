/**
 * HTTP-level rules Apollo leaves open: a subscription sent over HTTP is refused as bad input
 * (it needs graphql-ws on the same path) instead of reaching a resolver with no event, and a
 * response whose every error is the caller's (BAD_USER_INPUT) is never a 5xx, whichever
 * plugin refused the document first.
 *
 * A batch answers per operation: its HTTP status is 200 and each operation's outcome is in
 * its own result, a refused one (rate-limited, invalid) with its error and extensions
 * (retryAfterSeconds included). Apollo would otherwise give the whole batch the status of
 * whichever operation set one last (a 429 for one rate-limited operation), and batching
 * clients (Apollo's BatchHttpLink) then fail every operation of the batch, the ones that
 * ran and succeeded too.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { GatewayContext } from "../graphql/context.js";

export function httpStatusPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError("Subscriptions run over WebSocket (graphql-ws) on this same /graphql path, not over HTTP.", {
              extensions: { code: "BAD_USER_INPUT", reason: "SUBSCRIPTION_OVER_HTTP", http: { status: 400 } },
            });
          }
        },
        async willSendResponse({ response, requestIsBatched }) {
          if (requestIsBatched) {
            // The head is shared by the batch's operations; each one clears what its own errors set.
            response.http.status = undefined;
            response.http.headers.delete("retry-after");
            return;
          }
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const status = response.http.status ?? 200;
          if (status >= 500 && errors?.length && errors.every((error) => error.extensions?.code === "BAD_USER_INPUT")) {
            response.http.status = 400;
          }
        },
      };
    },
  };
}
