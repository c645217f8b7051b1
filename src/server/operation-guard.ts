/**
 * The one place every GraphQL operation passes before it runs, whatever carried it: an
 * HTTP request, each operation of an HTTP batch (Apollo runs its request pipeline, and so
 * this guard's plugin, once per operation of a batch), or a graphql-ws `subscribe` message.
 *
 *  - parse: the token limit (MAX_TOKENS);
 *  - validation: depth, cost, aliases, directives, introspection policy (abuse-limits.ts);
 *  - admission: the per-tenant rate limit, one point per operation (rate-limit.ts);
 *  - errors: one formatter masks internals and hides "Did you mean" suggestions when
 *    introspection is off (src/graphql/errors.ts).
 *
 * HTTP reaches it through `apolloPlugin()`; graphql-ws through the same members, called by
 * websocket-endpoint.ts. A new per-operation rule belongs here, so that neither transport can miss it.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError, ValidationRule } from "graphql";
import type { Logger } from "pino";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Config } from "../config.js";
import type { GatewayContext } from "../graphql/context.js";
import { createErrorFormatter } from "../graphql/errors.js";
import { abuseLimitRules } from "./abuse-limits.js";
import { countOperation } from "./rate-limit.js";

export interface OperationGuard {
  /** graphql's parser refuses documents over this many tokens. */
  readonly maxTokens: number;
  /** Applied on top of graphql's specified rules. */
  readonly validationRules: readonly ValidationRule[];
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Admits one parsed, valid operation of the tenant, or throws the GraphQLError to answer it with. */
  admit(tenantId: string): Promise<void>;
  /** The guard for Apollo (HTTP): admission once per operation, after validation. */
  apolloPlugin(): ApolloServerPlugin<GatewayContext>;
}

export function createOperationGuard(limits: Config["limits"], rateLimiter: RateLimiterAbstract | null, log: Logger): OperationGuard {
  const admit = rateLimiter ? (tenantId: string) => countOperation(rateLimiter, tenantId) : async () => {};
  return {
    maxTokens: limits.maxTokens,
    validationRules: abuseLimitRules(limits),
    formatError: createErrorFormatter(log, { hideSuggestions: !limits.introspection }),
    admit,
    apolloPlugin: () => ({
      async requestDidStart() {
        return {
          // After parse and validation, as over graphql-ws: a refused document costs no point.
          async didResolveOperation({ contextValue }) {
            await admit(contextValue.tenantId);
          },
        };
      },
    }),
  };
}
