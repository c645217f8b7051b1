import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { createBackends } from "../../src/backends/index.js";
import type { FingerprintBackend } from "../../src/domain/model.js";
import { createLiveReads } from "../../src/services/live-library-reader.js";

let emulator: RunningEmulator;
const calls: Array<{ backend: FingerprintBackend; action: string }> = [];
let backends: ReturnType<typeof createBackends>;

beforeAll(async () => {
  emulator = await startEmulator({ libraryQuota: 100, activationDelayMs: 3_600_000 });
  backends = createBackends(
    {
      credentials: DEFAULT_DEV_ACCOUNT,
      endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint },
      protocol: "http",
      signatureAlgorithm: "v3",
      connectTimeoutMs: 1000,
      readTimeoutMs: 2000,
      retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
    },
    ({ backend, action }) => calls.push({ backend, action }),
  );
});
afterAll(() => emulator.close());

describe("live reads", () => {
  it("reads 25 ICE and 11 MPS libraries in List calls of at most 10 ids, all at once", async () => {
    const ice = await Promise.all(Array.from({ length: 25 }, (_, i) => backends.ICE.create("cn-shanghai", { name: `i${i}`, model: "VIDEO", description: null, config: null })));
    const mps = await Promise.all(Array.from({ length: 11 }, (_, i) => backends.MPS.create("cn-shanghai", { name: `m${i}`, model: "IMAGE", description: null, config: null })));
    calls.length = 0;

    const reader = createLiveReads(backends).libraries;
    const keys = [
      ...ice.map((l) => ({ backend: "ICE" as const, region: "cn-shanghai", backendLibraryId: l.backendLibraryId })),
      ...mps.map((l) => ({ backend: "MPS" as const, region: "cn-shanghai", backendLibraryId: l.backendLibraryId })),
      { backend: "MPS" as const, region: "cn-shanghai", backendLibraryId: "ffffffffffffffffffffffffffffffff" },
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
      const reader = createLiveReads(backends).libraries;
      const [good, bad] = await Promise.allSettled([
        reader.load({ backend: "ICE", region: "cn-shanghai", backendLibraryId: ice.backendLibraryId }),
        reader.load({ backend: "MPS", region: "cn-shanghai", backendLibraryId: mps.backendLibraryId }),
      ]);
      expect(good).toMatchObject({ status: "fulfilled", value: { backendLibraryId: ice.backendLibraryId } });
      expect(bad).toMatchObject({ status: "rejected", reason: { code: "BACKEND_UNAVAILABLE" } });
    } finally {
      emulator.control.clearFaults();
    }
  });
});
