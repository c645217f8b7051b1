/**
 * Whether a resolver's field is asked for one of its own fields, so the resolver can fetch it
 * together with the rest (fingerprintLibraries reads totalCount with the page under a name
 * filter). Looks through inline fragments and named fragments; a field under @skip or @include
 * counts as asked for, which at worst fetches something nobody reads.
 */
import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

export function selectsField(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, name: string): boolean {
  const seen = new Set<string>();
  const inSet = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return inSet(selection.selectionSet);
      const fragmentName = selection.name.value;
      if (seen.has(fragmentName)) return false;
      seen.add(fragmentName);
      const fragment: FragmentDefinitionNode | undefined = info.fragments[fragmentName];
      return inSet(fragment?.selectionSet);
    });
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}
