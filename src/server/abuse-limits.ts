/**
 * Limits on what one document may ask for, through GraphQL Armor: depth, cost, aliases,
 * tokens and directives, plus no field suggestions when introspection is off (they would
 * leak the schema). The same validation rules guard HTTP (Apollo) and WebSocket (graphql-ws).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import type { Config } from "../config.js";
import type { GatewayContext } from "../graphql/context.js";

export function createAbuseLimits(limits: Config["limits"]) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    // Off here: Armor's token plugin re-parses the document and its syntax errors surface as
    // HTTP 500. graphql's own parser enforces the same limit (Apollo `parseOptions`, and the
    // WebSocket endpoint's parse), as a normal parse failure.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
  const protection = armor.protect();
  const validationRules: ValidationRule[] = [
    ...protection.validationRules,
    ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  // Armor is typed against Apollo's CommonJS declarations; the plugin objects are the same.
  return { apolloPlugins: protection.plugins as unknown as ApolloServerPlugin<GatewayContext>[], validationRules };
}
