/**
 * The `operation` label of the GraphQL metrics, from a fixed set: a root field of the
 * schema, or one of the few words below. The client writes the document, so anything taken
 * from it verbatim (a field repeated 500 times, every combination of root fields) would be
 * a new time series per request: 707 requests once took /metrics from 18 KB to 42 MB.
 * With the schema's root fields as the only names, the label has at most
 * (root fields + 4) values, whatever clients send.
 */
import type { DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode } from "graphql";

/** The request never got to a resolved operation (it did not parse or validate, or named no operation). */
export const UNPARSED = "unparsed";
/** More than one distinct root field in one operation. */
export const MULTIPLE = "multiple";
/** Nothing but __typename, or a name the schema does not have (validation should have refused it). */
export const OTHER = "other";

const INTROSPECTION_ROOTS = ["__schema", "__type", "__typename"];
const rootFieldsBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();
/**
 * Labels already worked out, by schema and operation node: Apollo hands every request with
 * the same query text the same parsed document (its document cache), so the walk below runs
 * once per distinct operation, not once per request.
 */
const labelsBySchema = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, string>>();

/** Every name that may appear as a label: the schema's root fields and introspection's. */
export function rootFieldNames(schema: GraphQLSchema): ReadonlySet<string> {
  let names = rootFieldsBySchema.get(schema);
  if (!names) {
    const all = new Set(INTROSPECTION_ROOTS);
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const name of Object.keys(type?.getFields() ?? {})) all.add(name);
    }
    rootFieldsBySchema.set(schema, (names = all));
  }
  return names;
}

export function operationLabel(schema: GraphQLSchema, document: DocumentNode | undefined, operation: OperationDefinitionNode | undefined): string {
  if (!operation) return UNPARSED;
  let labels = labelsBySchema.get(schema);
  if (!labels) labelsBySchema.set(schema, (labels = new WeakMap()));
  let label = labels.get(operation);
  if (label === undefined) labels.set(operation, (label = labelOf(schema, document, operation)));
  return label;
}

function labelOf(schema: GraphQLSchema, document: DocumentNode | undefined, operation: OperationDefinitionNode): string {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document?.definitions ?? []) if (definition.kind === "FragmentDefinition") fragments.set(definition.name.value, definition);
  const names = new Set<string>();
  collectRootFields(operation.selectionSet, fragments, names, new Set());
  if (names.size > 1) names.delete("__typename");
  if (names.size === 0) return OTHER;
  if (names.size > 1) return MULTIPLE;
  const [name] = names;
  return rootFieldNames(schema).has(name!) ? name! : OTHER;
}

/** Field names at the root, through inline fragments and fragment spreads (each fragment once). */
function collectRootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, into: Set<string>, seen: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === "Field") into.add(selection.name.value);
    else if (selection.kind === "InlineFragment") collectRootFields(selection.selectionSet, fragments, into, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) collectRootFields(fragment.selectionSet, fragments, into, seen);
    }
  }
}
