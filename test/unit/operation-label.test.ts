/**
 * The `operation` label of the GraphQL metrics (src/server/operation-label.ts): a root field
 * of the schema or one of a few fixed words, worked out once per parsed operation (Apollo's
 * document cache hands every request with the same text the same nodes).
 */
import { buildSchema, getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { MULTIPLE, OTHER, UNPARSED, operationLabel } from "../../src/server/operation-label.js";

const schema = buildSchema(`
  type Query { a: Int, b: Int }
  type Mutation { submit(x: Int): Int }
`);

const labelOf = (text: string, name?: string) => {
  const document = parse(text);
  return operationLabel(schema, document, getOperationAST(document, name) ?? undefined);
};

describe("operationLabel", () => {
  it("names the one root field, through fragments, or says multiple, other or unparsed", () => {
    expect(labelOf("{ a }")).toBe("a");
    expect(labelOf("mutation M { submit(x: 1) __typename }")).toBe("submit");
    expect(labelOf("{ ...F } fragment F on Query { b }")).toBe("b");
    expect(labelOf("{ a b }")).toBe(MULTIPLE);
    expect(labelOf("{ __typename }")).toBe("__typename");
    expect(labelOf("{ nope }")).toBe(OTHER);
    expect(operationLabel(schema, undefined, undefined)).toBe(UNPARSED);
  });

  it("gives each operation of one document its own label, and the same label again for the same nodes", () => {
    const document = parse("query A { a } query B { b } mutation C { submit(x: 1) }");
    const labels = () => ["A", "B", "C"].map((name) => operationLabel(schema, document, getOperationAST(document, name)!));
    expect(labels()).toEqual(["a", "b", "submit"]);
    expect(labels()).toEqual(["a", "b", "submit"]);
    // Another schema without those fields labels the same nodes by its own root fields.
    const other = buildSchema("type Query { c: Int }");
    expect(operationLabel(other, document, getOperationAST(document, "A")!)).toBe(OTHER);
    expect(operationLabel(schema, document, getOperationAST(document, "A")!)).toBe("a");
  });
});
