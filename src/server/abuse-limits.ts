/**
 * Limits on what one document may ask for, through GraphQL Armor: depth, cost, aliases and
 * directives as validation rules, plus no introspection when it is off. Only validation
 * rules are taken from Armor: they run wherever a document is validated (Apollo for HTTP,
 * the document cache for graphql-ws), where an Apollo plugin would guard HTTP alone. Field
 * suggestions are hidden by the error formatter instead (src/graphql/errors.ts), which sees
 * every error of every transport; tokens are counted by graphql's own parser.
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import type { Config } from "../config.js";

export function abuseLimitRules(limits: Config["limits"]): ValidationRule[] {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    // Off here: Armor's token plugin re-parses the document and its syntax errors surface as
    // HTTP 500. graphql's own parser enforces the same limit (Apollo `parseOptions`, and the
    // WebSocket endpoint's parse), as a normal parse failure.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // Its Apollo plugin would hide suggestions over HTTP only, and misses enum-value ones.
    blockFieldSuggestion: { enabled: false },
  });
  return [...armor.protect().validationRules, ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
}
