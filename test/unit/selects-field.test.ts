import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { selectsField } from "../../src/graphql/selects-field.js";

/** The resolve info of the document's first root field: its field node and the document's fragments. */
function infoOf(document: string) {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

describe("selectsField", () => {
  it("finds a field asked for directly, in an inline fragment or in a named fragment, however nested", () => {
    expect(selectsField(infoOf(`{ fingerprintLibraries { totalCount } }`), "totalCount")).toBe(true);
    expect(selectsField(infoOf(`{ fingerprintLibraries { ... on FingerprintLibraryConnection { total: totalCount } } }`), "totalCount")).toBe(true);
    expect(
      selectsField(
        infoOf(`{ fingerprintLibraries { ...Outer } } fragment Outer on FingerprintLibraryConnection { nodes { id } ...Inner }
                fragment Inner on FingerprintLibraryConnection { totalCount }`),
        "totalCount",
      ),
    ).toBe(true);
  });

  it("does not find it when only a nested object or nothing asks for it, and survives a fragment used twice", () => {
    expect(selectsField(infoOf(`{ fingerprintLibraries { nodes { id } pageInfo { hasNextPage } } }`), "totalCount")).toBe(false);
    expect(selectsField(infoOf(`{ fingerprintLibraries { edges { node { totalCount: name } } } }`), "totalCount")).toBe(false);
    expect(
      selectsField(infoOf(`{ fingerprintLibraries { ...F ...F } } fragment F on FingerprintLibraryConnection { nodes { id } }`), "totalCount"),
    ).toBe(false);
  });
});
