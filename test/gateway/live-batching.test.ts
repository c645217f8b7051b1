import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { createBackendAccounts, type BackendAccounts, type Backends } from "../../src/backends/index.js";
import type { FingerprintBackend } from "../../src/domain/model.js";
import { createLiveReads } from "../../src/services/live-library-reader.js";

let emulator: RunningEmulator;
const calls: Array<{ backend: FingerprintBackend; action: string }> = [];
// A tenant with its own cloud account (TENANT_CREDENTIALS_FILE), next to the gateway's.
const OWN_ACCOUNT = { accessKeyId: "LTAI-tenant-own", accessKeySecret: "tenant-own-secret" };
let accounts: BackendAccounts;
let backends: Backends;

beforeAll(async () => {
  emulator = await startEmulator({ libraryQuota: 100, activationDelayMs: 3_600_000, accounts: [DEFAULT_DEV_ACCOUNT, OWN_ACCOUNT] });
  accounts = createBackendAccounts(
    {
      credentials: DEFAULT_DEV_ACCOUNT,
      endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint },
      protocol: "http",
      signatureAlgorithm: "v3",
      connectTimeoutMs: 1000,
      readTimeoutMs: 2000,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
    },
    new Map([["own", OWN_ACCOUNT]]),
    ({ backend, action }) => calls.push({ backend, action }),
  );
  backends = accounts.default;
});
afterAll(() => emulator.close());

describe("live reads", () => {
  it("reads 25 ICE and 11 MPS libraries in List calls of at most 10 ids, all at once", async () => {
    const ice = await Promise.all(Array.from({ length: 25 }, (_, i) => backends.ICE.create("cn-shanghai", { name: `i${i}`, model: "VIDEO", description: null, config: null })));
    const mps = await Promise.all(Array.from({ length: 11 }, (_, i) => backends.MPS.create("cn-shanghai", { name: `m${i}`, model: "IMAGE", description: null, config: null })));
    calls.length = 0;

    const reader = createLiveReads(accounts).libraries;
    const keys = [
      ...ice.map((l) => ({ tenantId: "t", backend: "ICE" as const, region: "cn-shanghai", backendLibraryId: l.backendLibraryId })),
      ...mps.map((l) => ({ tenantId: "t", backend: "MPS" as const, region: "cn-shanghai", backendLibraryId: l.backendLibraryId })),
      { tenantId: "t", backend: "MPS" as const, region: "cn-shanghai", backendLibraryId: "ffffffffffffffffffffffffffffffff" },
    ];
    const results = await Promise.all(keys.map((key) => reader.load(key)));

    expect(results.slice(0, 36).map((r) => r?.backendLibraryId)).toEqual(keys.slice(0, 36).map((k) => k.backendLibraryId));
    expect(results[36]).toBeNull();
    expect(calls.filter((c) => c.action === "ListDNADB")).toHaveLength(3); // 10 + 10 + 5
    expect(calls.filter((c) => c.action === "ListFpShotDB")).toHaveLength(2); // 10 + 2
  });

  it("fails only the keys of a failing batch", async () => {
    const ice = await backends.ICE.create("cn-shanghai", { name: "ok", model: "AUDIO", description: null, config: null });
    const mps = await backends.MPS.create("cn-shanghai", { name: "down", model: "IMAGE", description: null, config: null });
    emulator.control.setFault("ListFpShotDB", { errorRate: 1, code: "InternalError", httpStatus: 500 });
    try {
      const reader = createLiveReads(accounts).libraries;
      const [good, bad] = await Promise.allSettled([
        reader.load({ tenantId: "t", backend: "ICE", region: "cn-shanghai", backendLibraryId: ice.backendLibraryId }),
        reader.load({ tenantId: "t", backend: "MPS", region: "cn-shanghai", backendLibraryId: mps.backendLibraryId }),
      ]);
      expect(good).toMatchObject({ status: "fulfilled", value: { backendLibraryId: ice.backendLibraryId } });
      expect(bad).toMatchObject({ status: "rejected", reason: { code: "BACKEND_UNAVAILABLE" } });
    } finally {
      emulator.control.clearFaults();
    }
  });

  it("asks each tenant's own cloud account for its libraries, in separate List calls", async () => {
    const mine = await accounts.forTenant("own").ICE.create("cn-shanghai", { name: "own-account", model: "VIDEO", description: null, config: null });
    const theirs = await accounts.forTenant("anyone-else").ICE.create("cn-shanghai", { name: "gateway-account", model: "VIDEO", description: null, config: null });
    const owners = new Map(emulator.control.state().libraries.map((l) => [l.id, l.owner]));
    expect(owners.get(mine.backendLibraryId)).toBe(OWN_ACCOUNT.accessKeyId);
    expect(owners.get(theirs.backendLibraryId)).toBe(DEFAULT_DEV_ACCOUNT.accessKeyId);

    calls.length = 0;
    const reader = createLiveReads(accounts).libraries;
    const [ownSeen, defaultSeen, crossed] = await Promise.all([
      reader.load({ tenantId: "own", backend: "ICE", region: "cn-shanghai", backendLibraryId: mine.backendLibraryId }),
      reader.load({ tenantId: "anyone-else", backend: "ICE", region: "cn-shanghai", backendLibraryId: theirs.backendLibraryId }),
      // The gateway's account cannot see a library of the tenant's own account.
      reader.load({ tenantId: "anyone-else", backend: "ICE", region: "cn-shanghai", backendLibraryId: mine.backendLibraryId }),
    ]);
    expect(ownSeen?.name).toBe("own-account");
    expect(defaultSeen?.name).toBe("gateway-account");
    expect(crossed).toBeNull();
    expect(calls.filter((c) => c.action === "ListDNADB")).toHaveLength(2); // one per account
  });
});
