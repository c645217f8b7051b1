import { afterAll, describe, expect, it } from "vitest";
import type { MediaKind } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";
import { WorkerPool } from "../../src/emulator/fingerprint/worker-pool.js";

describe("fingerprint engine: worker threads and kind dispatch", () => {
  const engine = createFingerprintEngine({ workers: 1 });
  afterAll(() => engine.close());

  it("says which kinds have no engine, without starting a thread", async () => {
    const unknown = "smell" as MediaKind;
    await expect(engine.fingerprint(unknown, new Uint8Array([1]))).rejects.toThrow(/no smell fingerprint engine yet/);
    expect(() => engine.createIndex(unknown)).toThrow(/no smell fingerprint engine yet/);
  });

  it("fingerprints in a worker thread and indexes in the caller's", { timeout: 60_000 }, async () => {
    const fp = await engine.fingerprint("text", new TextEncoder().encode("hello from a worker thread"));
    expect(fp.summary).toEqual({ kind: "text", length: 26 });
    const index = engine.createIndex("text");
    index.add("a", fp);
    expect(index.search(fp, { threshold: 0.8 }).map((m) => m.primaryKey)).toEqual(["a"]);
  });

  it("rejects requests after close", async () => {
    const closed = createFingerprintEngine({ workers: 1 });
    await closed.close();
    await expect(closed.fingerprint("text", new Uint8Array([65]))).rejects.toThrow(/closed/);
  });
});

describe("worker pool", () => {
  it("runs queued requests on at most `size` threads, all of them answered", { timeout: 60_000 }, async () => {
    const pool = new WorkerPool({ size: 2 });
    try {
      const texts = Array.from({ length: 12 }, (_, n) => `request number ${n} ${"word ".repeat(n * 50)}`);
      const prints = await Promise.all(texts.map((text) => pool.run("text", new TextEncoder().encode(text))));
      expect(prints.map((fp) => fp.summary.length)).toEqual(texts.map((text) => text.length));
      expect(pool.threads).toBeLessThanOrEqual(2);
      expect(pool.threads).toBeGreaterThanOrEqual(1);
    } finally {
      await pool.close();
    }
  });

  it("refuses a size below one", () => {
    expect(() => new WorkerPool({ size: 0 })).toThrow(/workers must be a whole number >= 1/);
  });
});
