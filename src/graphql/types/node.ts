import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType({
  description: "An object with a globally unique, opaque id, refetchable through Query.node.",
  // Only one type implements Node today; naming it here keeps resolution free of instanceof checks.
  resolveType: () => "FingerprintLibrary",
})
export abstract class Node {
  @Field(() => ID, { description: "The global id." })
  id!: string;
}
