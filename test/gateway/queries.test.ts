import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { codes, startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE, GET, LIST } from "../support/documents.js";
import type { FingerprintLibraryFilter, ListLibrariesQuery } from "../../src/client/generated/operations.js";

let h: Harness;
const ids: string[] = [];
const models = ["VIDEO", "AUDIO", "IMAGE", "TEXT"] as const;

beforeAll(async () => {
  h = await startHarness({ emulator: { libraryQuota: 100, activationDelayMs: 3_600_000 } });
  // 13 libraries, created one after another so their order is known.
  for (let i = 0; i < 13; i++) {
    const response = await h.gql(CREATE, { input: { name: `Library ${String(i).padStart(2, "0")}${i % 3 === 0 ? " Special" : ""}`, model: models[i % 4] } });
    expect(response.errors).toBeUndefined();
    ids.push(response.data!.createFingerprintLibrary.library.id);
  }
});
afterAll(() => h.close());

async function listAll(first: number, filter?: FingerprintLibraryFilter) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const response = await h.gql(LIST, { first, after, filter });
    expect(response.errors).toBeUndefined();
    const connection: ListLibrariesQuery["fingerprintLibraries"] = response.data!.fingerprintLibraries;
    seen.push(...connection.edges.map((e) => e.node.id));
    expect(connection.nodes.map((n) => n.id)).toEqual(connection.edges.map((e) => e.node.id));
    expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
    if (!connection.pageInfo.hasNextPage) return { seen, totalCount: connection.totalCount };
    after = connection.pageInfo.endCursor;
  }
  throw new Error("pagination did not end");
}

describe("fingerprintLibraries", () => {
  it.each([1, 4, 5, 13, 100])("pages through every library in creation order, %i at a time", async (first) => {
    const { seen, totalCount } = await listAll(first);
    expect(seen).toEqual(ids);
    expect(totalCount).toBe(13);
  });

  it("filters by backend, model, status, region and name, with a matching totalCount", async () => {
    const byBackend = await listAll(5, { backend: "MPS" });
    expect(byBackend.seen).toEqual(ids.filter((_, i) => ["IMAGE", "TEXT"].includes(models[i % 4])));
    expect(byBackend.totalCount).toBe(byBackend.seen.length);

    const byModel = await listAll(2, { model: "AUDIO" });
    expect(byModel.seen).toEqual(ids.filter((_, i) => models[i % 4] === "AUDIO"));

    const byName = await listAll(3, { nameContains: "special" });
    expect(byName.seen).toEqual(ids.filter((_, i) => i % 3 === 0));
    // The last page's, read with it (one statement for a name filter).
    expect(byName.totalCount).toBe(5);

    expect((await listAll(10, { status: "ACTIVE" })).seen).toEqual([]);
    expect((await listAll(10, { status: "OFFLINE", region: "cn-shanghai" })).seen).toEqual(ids);
    expect((await listAll(10, { region: "cn-beijing" })).totalCount).toBe(0);
  });

  it("answers an empty first page with null cursors", async () => {
    const connection = (await h.gql(LIST, { first: 0 })).data!.fingerprintLibraries;
    expect(connection).toMatchObject({ edges: [], totalCount: 13, pageInfo: { hasNextPage: true, startCursor: null, endCursor: null } });
  });

  it("refuses a bad page size and a foreign cursor", async () => {
    expect(codes(await h.gql(LIST, { first: 101 }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await h.gql(LIST, { first: -1 }))).toEqual(["BAD_USER_INPUT"]);
    const bad = await h.gql(LIST, { after: "not-a-cursor" });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0].message).toMatch(/not a cursor this gateway issued/);
  });
});

describe("fingerprintLibrary and node", () => {
  it("reads one library and the same through node", async () => {
    const one = (await h.gql(GET, { id: ids[3] })).data!.fingerprintLibrary;
    expect(one).toMatchObject({ id: ids[3], model: "TEXT", backend: "MPS" });
    const node = await h.gql(`query($id: ID!) { node(id: $id) { id ... on FingerprintLibrary { name } } }`, { id: ids[3] });
    expect(node.data!.node).toEqual({ id: ids[3], name: one!.name });
  });

  it("answers null from node for an id it does not know, and BAD_USER_INPUT from fingerprintLibrary for a malformed one", async () => {
    expect((await h.gql(`query { node(id: "garbage") { id } }`)).data!.node).toBeNull();
    expect(codes(await h.gql(GET, { id: "garbage" }))).toEqual(["BAD_USER_INPUT"]);
  });

  it("reads many libraries by id with one registry query per request", async () => {
    const spy = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const aliases = ids.slice(0, 8).map((id, i) => `l${i}: fingerprintLibrary(id: "${id}") { id name }`).join("\n");
      const nodes = ids.slice(8, 12).map((id, i) => `n${i}: node(id: "${id}") { id }`).join("\n");
      const response = await h.gql(`query { ${aliases} ${nodes} }`);
      expect(response.errors).toBeUndefined();
      expect(Object.keys(response.data!)).toHaveLength(12);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][1]).toHaveLength(12);
    } finally {
      spy.mockRestore();
    }
  });
});
