import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType({
  description: "An object with a globally unique, opaque id, refetchable through Query.node.",
  // Job, search and file-deletion objects name their type (`nodeType`); a library does not need to.
  resolveType: (value: { nodeType?: string }) => value.nodeType ?? "FingerprintLibrary",
})
export abstract class Node {
  @Field(() => ID, { description: "The global id." })
  id!: string;
}
