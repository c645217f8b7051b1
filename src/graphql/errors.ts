/**
 * Shapes every error a client sees. GatewayErrors keep their code and message and gain
 * only safe details; GraphQL's own refusals (parse, validation, variable coercion) become
 * BAD_USER_INPUT with the original reason; anything else is a bug or an outage, logged in
 * full here and shown to the client without internals. Every transport's errors pass
 * here, so the same refusal reads the same over HTTP and graphql-ws; with
 * `hideSuggestions` (introspection off) no message says "Did you mean ...", which would
 * spell out the schema field by field.
 */
import { isDatabaseUnavailable } from "../store/database-failure.js";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { ERROR_CODES, GatewayError } from "../domain/errors.js";

const INPUT_REFUSALS = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE"]);

/**
 * Automatic persisted queries: clients (Apollo Client, urql's persisted exchange) decide to
 * resend the full query by matching `extensions.code` on exactly these words, so they are
 * kept as they are instead of becoming BAD_USER_INPUT.
 */
const PERSISTED_QUERY_CODES = new Set(["PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"]);

/** Details that may leave the gateway; everything else in GatewayError.details stays in logs. */
const SAFE_DETAILS = ["field", "reason", "backend", "backendAction", "backendCode", "backendRequestId", "retryable", "notDeletedPrimaryKeys", "deletedCount"] as const;

/** What createErrorFormatter makes: Apollo Server's `formatError` hook, called once per error. */
export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * The errors of one answer through the formatter. HTTP's answers get there through Apollo
 * Server, which calls the formatter per error itself; everything graphql-ws answers (an
 * operation refused, a query's or a subscription event's errors) comes through here, once.
 */
export function formatErrors(format: ErrorFormatter, errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => format(error.toJSON(), error));
}

export function createErrorFormatter(log: Logger, options: { hideSuggestions?: boolean } = {}): ErrorFormatter {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const message = options.hideSuggestions ? withoutSuggestions(formatted.message) : formatted.message;
    const base = { message, locations: formatted.locations, path: formatted.path };
    if (original instanceof GatewayError) {
      const extensions: Record<string, unknown> = { code: original.code };
      for (const key of SAFE_DETAILS) if (original.details[key] !== undefined) extensions[key] = original.details[key];
      return { ...base, message: original.message, extensions };
    }
    const code = formatted.extensions?.code;
    // Already one of the contract's codes (raised as a GraphQLError: authentication, rate limit).
    if (typeof code === "string" && (ERROR_CODES as readonly string[]).includes(code)) {
      const extensions: Record<string, unknown> = { code };
      for (const key of ["reason", "retryAfterSeconds"]) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
      // GraphQL Armor's rules raise BAD_USER_INPUT themselves; outside Apollo's validation
      // phase (graphql-ws) nothing renames that code, so the limit is named here as well.
      const limit = code === "BAD_USER_INPUT" ? limitReason(message) : null;
      if (limit) return { ...base, message: limitMessage(message), extensions: { ...extensions, reason: extensions.reason ?? limit } };
      // Apollo raises variable coercion errors as BAD_USER_INPUT without saying which field.
      const field = code === "BAD_USER_INPUT" ? coercionField(message) : undefined;
      return { ...base, extensions: field ? { ...extensions, field } : extensions };
    }
    if (typeof code === "string" && PERSISTED_QUERY_CODES.has(code)) return { ...base, extensions: { code } };
    if (typeof code === "string" && INPUT_REFUSALS.has(code)) {
      const limit = limitReason(message);
      // GraphQL Armor words its refusals as syntax errors; they are limits, and say so.
      return { ...base, message: limit ? limitMessage(message) : message, extensions: inputRefusal(message, limit ?? code) };
    }
    // An error graphql-js made itself (variable coercion, validation outside Apollo's phase,
    // e.g. over graphql-ws) has no original error and no path: the caller's input is at fault.
    // (Variable coercion keeps the scalar's or enum's own GraphQLError as originalError.)
    if (original instanceof GraphQLError && (!original.originalError || original.originalError instanceof GraphQLError) && !original.path) {
      const limit = limitReason(message);
      return { ...base, message: limit ? limitMessage(message) : message, extensions: inputRefusal(message, limit ?? "GRAPHQL_VALIDATION_FAILED") };
    }
    // Every read and write answers the same code when the gateway's own database is out of
    // reach (docs/errors.md); a statement the database refused is a gateway bug (INTERNAL below).
    if (isDatabaseUnavailable(original)) {
      log.error({ err: original, path: formatted.path }, "database unavailable while resolving");
      return { ...base, message: "The gateway's database is unavailable; retry shortly.", extensions: { code: "DATABASE_UNAVAILABLE", retryable: true } };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error while resolving");
    return { ...base, message: "The gateway failed unexpectedly; it has been logged. Retry, and report it if it persists.", extensions: { code: "BACKEND_ERROR", reason: "INTERNAL" } };
  };
}

/** BAD_USER_INPUT with its reason, and `field` when graphql-js says which variable (and where in it) was wrong. */
function inputRefusal(message: string, reason: string): Record<string, unknown> {
  const field = coercionField(message);
  return field ? { code: "BAD_USER_INPUT", reason, field } : { code: "BAD_USER_INPUT", reason };
}

/**
 * The input path of a variable coercion error, as the service errors name it (`input.model`):
 * graphql-js words them `Variable "$input" got invalid value ... at "input.model"; ...` (the
 * `at` part only for a value inside the variable) or `Variable "$first" of required type ...`.
 */
export function coercionField(message: string): string | undefined {
  const variable = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/.exec(message);
  if (!variable) return undefined;
  const at = /^Variable "\$[_0-9A-Za-z]+" got invalid value .*? at "([^"]+)";/s.exec(message);
  return at?.[1] ?? variable[1];
}

/**
 * graphql-js appends " Did you mean ...?" (a field, argument, type or enum value name) to
 * validation and coercion errors. Names never contain "?", so the sentence ends at the first.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, "");
}

/** Which abuse limit a validation error is about, for `extensions.reason`; null for other errors. */
export function limitReason(message: string): string | null {
  if (/Query depth limit/i.test(message)) return "MAX_DEPTH";
  if (/Query Cost limit/i.test(message)) return "MAX_COST";
  if (/Aliases limit/i.test(message)) return "MAX_ALIASES";
  // graphql-js 16 words it "Document contains more that N tokens" (sic).
  if (/Token limit|Document contains more tha[nt] \d+ tokens/i.test(message)) return "MAX_TOKENS";
  if (/Directives limit/i.test(message)) return "MAX_DIRECTIVES";
  if (/introspection/i.test(message)) return "INTROSPECTION_DISABLED";
  return null;
}

/** A limit's refusal without the "Syntax Error: " graphql-js and Armor put in front, and saying it is a limit. */
export function limitMessage(message: string): string {
  return message.replace(/^Syntax Error: /, "").replace(/^Document contains more tha[nt] (\d+) tokens\. Parsing aborted\./, "Token limit of $1 exceeded.");
}
