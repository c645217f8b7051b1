/**
 * Parsed and validated subscription documents, one per distinct query text. Clients
 * subscribe with the same few documents over and over; parsing each subscribe message
 * anew kept a private syntax tree per subscription (about a third of its memory) and paid
 * for parse + validate every time. Validation depends only on the schema and the rules,
 * never on the caller, so one outcome serves every tenant. Only valid documents are kept,
 * at most `capacity` of them, the least recently used going first.
 */
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from "graphql";
import { limitMessage, limitReason } from "../graphql/errors.js";

export interface DocumentCacheOptions {
  schema: GraphQLSchema;
  /** The operation guard's rules (the ones HTTP applies); the specified rules are always applied too. */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  capacity?: number;
}

export class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();
  private readonly rules: readonly ValidationRule[];
  private readonly capacity: number;

  constructor(private readonly options: DocumentCacheOptions) {
    this.rules = [...specifiedRules, ...options.validationRules];
    this.capacity = options.capacity ?? 1_000;
  }

  /** The document for `query`, or the errors to answer the operation with (formatted where every answer is: the endpoint's onError). */
  get(query: string): DocumentNode | readonly GraphQLError[] {
    const known = this.documents.get(query);
    if (known) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.documents.delete(query);
      this.documents.set(query, known);
      return known;
    }
    const outcome = this.parseAndValidate(query);
    if (!Array.isArray(outcome)) {
      if (this.documents.size >= this.capacity) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(query, outcome as DocumentNode);
    }
    return outcome;
  }

  get size(): number {
    return this.documents.size;
  }

  private parseAndValidate(query: string): DocumentNode | readonly GraphQLError[] {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.options.maxTokens, noLocation: true });
    } catch (error) {
      // Answered per operation: graphql-ws would treat a syntax error as an internal
      // failure and drop the whole connection (4500).
      const reason = limitReason((error as Error).message);
      const message = reason ? limitMessage((error as Error).message) : (error as Error).message;
      return [new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", reason: reason ?? "GRAPHQL_PARSE_FAILED" } })];
    }
    const invalid = validate(this.options.schema, document, this.rules);
    return invalid.length > 0 ? invalid : document;
  }
}
