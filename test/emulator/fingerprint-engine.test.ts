import { afterAll, describe, expect, it } from "vitest";
import type { MediaKind } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";

describe("fingerprint engine: worker threads and kind dispatch", () => {
  const engine = createFingerprintEngine({ workers: 1 });
  afterAll(() => engine.close());

  it("says which kinds have no engine, without starting a thread", async () => {
    const unknown = "smell" as MediaKind;
    await expect(engine.fingerprint(unknown, new Uint8Array([1]))).rejects.toThrow(/no smell fingerprint engine yet/);
    expect(() => engine.createIndex(unknown)).toThrow(/no smell fingerprint engine yet/);
  });

  it("runs the kind's fingerprint in a worker thread", async () => {
    await expect(engine.fingerprint("text", new TextEncoder().encode("hello"))).rejects.toThrow(/not built yet/);
  });

  it("rejects requests after close", async () => {
    const closed = createFingerprintEngine({ workers: 1 });
    await closed.close();
    await expect(closed.fingerprint("text", new Uint8Array([65]))).rejects.toThrow(/closed/);
  });
});
