/**
 * Two tenants on one gateway and one cloud account: every operation of the contract tried
 * across the boundary. The other tenant's libraries are NOT_FOUND (or null, or absent), never
 * "forbidden", so ids do not leak.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "graphql-ws";
import { eventually, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe } from "../support/subscription-client.js";

const KEY_A = "tenant-a-key-0123456789abcdef";
const KEY_B = "tenant-b-key-fedcba9876543210";
const FIELDS = "id backendLibraryId status";

let h: Harness;
let clientA: Client;
let clientB: Client;

beforeAll(async () => {
  h = await startHarness({
    emulator: { activationDelayMs: 3_600_000 },
    env: { API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`, WATCHER_TICK_MS: "20", WATCHER_MIN_INTERVAL_MS: "50", WATCHER_MAX_INTERVAL_MS: "100" },
  });
  clientA = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
  clientB = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_B}` });
});
afterAll(async () => {
  await clientA?.dispose();
  await clientB?.dispose();
  await h.close();
});

async function as(key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse & { status: number }> {
  const response = await h.post(JSON.stringify({ query, variables }), key ? { authorization: `Bearer ${key}` } : {});
  return { ...((await response.json()) as GraphQLResponse), status: response.status };
}

const code = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

describe("authentication", () => {
  it("refuses HTTP without a key, with a wrong key and with a malformed header: 401 UNAUTHENTICATED", async () => {
    for (const key of [null, "tenant-c-key-not-configured-000"]) {
      const response = await as(key, "{ fingerprintLibraries { totalCount } }");
      expect(response.status).toBe(401);
      expect(code(response)).toBe("UNAUTHENTICATED");
      expect(response.data ?? null).toBeNull();
    }
    const malformed = await h.post(JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }" }), { authorization: KEY_A });
    expect(malformed.status).toBe(401);
    expect(JSON.stringify(await malformed.json())).not.toContain(KEY_A);
  });

  it("closes a WebSocket whose connection_init carries no valid key", async () => {
    const anonymous = connect(h.gateway.graphqlUrl, {});
    const sub = subscribe(anonymous, "subscription { fingerprintLibraryActivated { eventId } }");
    await eventually(async () => sub.errors.length > 0 || sub.completed);
    expect((sub.errors[0] as { code?: number }).code).toBe(4403);
    await anonymous.dispose();
  });

  it("never writes a key into the logs", () => {
    const logs = h.logs.join("");
    expect(logs).not.toContain(KEY_A);
    expect(logs).not.toContain(KEY_B);
  });
});

describe("isolation between tenants", () => {
  let libraryOfA: { id: string; backendLibraryId: string };
  const activatedForB = () => subscribe(clientB, "subscription { fingerprintLibraryActivated { library { id } } }");
  let bSubscription: ReturnType<typeof activatedForB>;
  let bReplay: ReturnType<typeof activatedForB>;

  beforeAll(async () => {
    bSubscription = activatedForB();
    await eventually(async () => h.gateway.events.subscriberCount >= 1);
    const created = await as(KEY_A, `mutation { createFingerprintLibrary(input: { name: "a-only", model: VIDEO, idempotencyKey: "shared-key" }) { library { ${FIELDS} } } }`);
    expect(created.errors).toBeUndefined();
    libraryOfA = created.data!.createFingerprintLibrary.library;
    h.emulator.control.activate(libraryOfA.backendLibraryId);
    await eventually(async () => (await as(KEY_A, `{ fingerprintLibrary(id: "${libraryOfA.id}") { status } }`)).data!.fingerprintLibrary.status === "ACTIVE");
  });

  it("hides A's library from B's reads", async () => {
    expect((await as(KEY_B, `{ fingerprintLibrary(id: "${libraryOfA.id}") { id } }`)).data!.fingerprintLibrary).toBeNull();
    expect((await as(KEY_B, `{ node(id: "${libraryOfA.id}") { id } }`)).data!.node).toBeNull();
    const list = await as(KEY_B, `{ fingerprintLibraries(first: 100) { totalCount nodes { id } } }`);
    expect(list.data!.fingerprintLibraries).toEqual({ totalCount: 0, nodes: [] });
    expect((await as(KEY_A, `{ fingerprintLibraries { totalCount } }`)).data!.fingerprintLibraries.totalCount).toBe(1);
  });

  it("answers NOT_FOUND to B's refresh, delete and import of A's library, and changes nothing", async () => {
    expect(code(await as(KEY_B, `mutation { refreshFingerprintLibrary(id: "${libraryOfA.id}") { id } }`))).toBe("NOT_FOUND");
    expect(code(await as(KEY_B, `mutation { deleteFingerprintLibrary(id: "${libraryOfA.id}") { library { id } } }`))).toBe("NOT_FOUND");
    const imported = await as(KEY_B, `mutation { importFingerprintLibrary(backend: ICE, backendLibraryId: "${libraryOfA.backendLibraryId}") { id } }`);
    expect(code(imported)).toBe("NOT_FOUND");
    expect(h.emulator.control.state().libraries.find((l) => l.id === libraryOfA.backendLibraryId)).toBeDefined();
    expect((await as(KEY_A, `{ fingerprintLibrary(id: "${libraryOfA.id}") { status } }`)).data!.fingerprintLibrary.status).toBe("ACTIVE");
  });

  it("answers NOT_FOUND to B's import of A's library named in any other region, for both backends", async () => {
    const mps = await as(KEY_A, `mutation { createFingerprintLibrary(input: { name: "a-mps", model: VIDEO, backend: MPS }) { library { ${FIELDS} } } }`);
    expect(mps.errors).toBeUndefined();
    const libraries = [
      { backend: "ICE", backendLibraryId: libraryOfA.backendLibraryId },
      { backend: "MPS", backendLibraryId: mps.data!.createFingerprintLibrary.library.backendLibraryId as string },
    ];
    for (const { backend, backendLibraryId } of libraries) {
      for (const region of ["cn-beijing", "cn-hangzhou", "cn-shanghai"]) {
        const imported = await as(KEY_B, `mutation { importFingerprintLibrary(backend: ${backend}, backendLibraryId: "${backendLibraryId}", region: "${region}") { id name } }`);
        expect(code(imported), `${backend} ${region}`).toBe("NOT_FOUND");
        expect(JSON.stringify(imported)).not.toContain("a-only");
        expect(JSON.stringify(imported)).not.toContain("a-mps");
      }
      expect(h.emulator.control.state().libraries.find((l) => l.id === backendLibraryId)).toBeDefined();
    }
    expect((await as(KEY_B, `{ fingerprintLibraries { totalCount } }`)).data!.fingerprintLibraries.totalCount).toBe(0);
    // A's own library, asked for in a region it is not in, is not there either.
    const elsewhere = await as(KEY_A, `mutation { importFingerprintLibrary(backend: ICE, backendLibraryId: "${libraryOfA.backendLibraryId}", region: "cn-beijing") { id } }`);
    expect(code(elsewhere)).toBe("NOT_FOUND");
    const again = await as(KEY_A, `mutation { importFingerprintLibrary(backend: ICE, backendLibraryId: "${libraryOfA.backendLibraryId}") { id } }`);
    expect(again.data!.importFingerprintLibrary.id).toBe(libraryOfA.id);
  });

  it("asks the backend in the library's own region, over the emulator's bare host:port too", async () => {
    const made = await as(KEY_B, `mutation { createFingerprintLibrary(input: { name: "b-beijing", model: VIDEO, region: "cn-beijing" }) { library { ${FIELDS} } } }`);
    expect(made.errors).toBeUndefined();
    const { backendLibraryId, id } = made.data!.createFingerprintLibrary.library;
    expect(h.emulator.control.state().libraries.find((l) => l.id === backendLibraryId)?.region).toBe("cn-beijing");
    const refreshed = await as(KEY_B, `mutation { refreshFingerprintLibrary(id: "${id}") { status } }`);
    expect(refreshed.data!.refreshFingerprintLibrary.status).toBe("OFFLINE"); // found where it is, not "absent"
    const deleted = await as(KEY_B, `mutation { deleteFingerprintLibrary(id: "${id}") { library { status } } }`);
    expect(deleted.data!.deleteFingerprintLibrary.library.status).toBe("DELETED");
    expect(h.emulator.control.state().libraries.find((l) => l.id === backendLibraryId)).toBeUndefined();
  });

  it("keeps idempotency keys per tenant: B's same key makes B's own library", async () => {
    const created = await as(KEY_B, `mutation { createFingerprintLibrary(input: { name: "b-own", model: VIDEO, idempotencyKey: "shared-key" }) { replayed library { ${FIELDS} } } }`);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createFingerprintLibrary.replayed).toBe(false);
    expect(created.data!.createFingerprintLibrary.library.id).not.toBe(libraryOfA.id);
  });

  it("never delivers A's events to B, live or replayed, even when B filters on A's id", async () => {
    bReplay = subscribe(clientB, `subscription { fingerprintLibraryStatusChanged(after: "0", filter: { ids: ["${libraryOfA.id}"] }) { library { id } } }`);
    const aSees = subscribe(clientA, `subscription { fingerprintLibraryStatusChanged(after: "0") { library { id } } }`);
    await aSees.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bSubscription.events).toEqual([]);
    expect(bReplay.events).toEqual([]);
    expect(aSees.events.every((e) => e.library.id === libraryOfA.id)).toBe(true);
    aSees.stop();
    bReplay.stop();
    bSubscription.stop();
  });
});
