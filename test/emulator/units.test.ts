/** Small pieces without HTTP: env parsing, nonce memory, throttle, timestamps, activation jitter. */
import { describe, expect, it } from "vitest";
import { NonceCache } from "../../src/emulator/auth/nonce-cache.js";
import { EnvError, parseEmulatorEnv } from "../../src/emulator/env.js";
import { DEFAULT_DEV_ACCOUNT, startEmulator } from "../../src/emulator/index.js";
import { Throttle } from "../../src/emulator/throttle.js";
import { iceClient } from "./helpers.js";
import { formatTimestamp, parseTimestamp } from "../../src/emulator/time.js";

describe("CLI environment", () => {
  it("has defaults: port 4100, the dev pair, cn-shanghai", () => {
    const cfg = parseEmulatorEnv({});
    expect(cfg.options).toMatchObject({
      host: "127.0.0.1",
      port: 4100,
      accounts: [DEFAULT_DEV_ACCOUNT],
      region: "cn-shanghai",
      activationDelayMs: 3000,
      activationJitterMs: 1000,
      deleteJobDelayMs: 2000,
      libraryQuota: 5,
      qpsLimits: {},
      clockSkewToleranceMs: 900_000,
    });
    expect(cfg.stateFile).toBeUndefined();
    expect(cfg.userSuppliedKeyIds).toEqual([]);
    expect(cfg.logRequests).toBe(true);
  });

  it("reads every variable", () => {
    const cfg = parseEmulatorEnv({
      EMULATOR_PORT: "0",
      EMULATOR_HOST: "0.0.0.0",
      EMULATOR_ACCESS_KEY_ID: "LTAI-mine",
      EMULATOR_ACCESS_KEY_SECRET: "s3cret",
      EMULATOR_EXTRA_ACCOUNTS: "LTAI-b:bsecret, LTAI-c:c:secret",
      EMULATOR_REGION: "cn-beijing",
      EMULATOR_ACTIVATION_DELAY_MS: "10",
      EMULATOR_ACTIVATION_JITTER_MS: "0",
      EMULATOR_DELETE_JOB_DELAY_MS: "20",
      EMULATOR_LIBRARY_QUOTA: "9",
      EMULATOR_QPS_LIMITS: "CreateFpShotDB=3, ListDNADB=0.5",
      EMULATOR_CLOCK_SKEW_TOLERANCE_MS: "1000",
      EMULATOR_STATE_FILE: "/tmp/emu.json",
      EMULATOR_LOG: "silent",
    });
    expect(cfg.options).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      accounts: [
        { accessKeyId: "LTAI-mine", accessKeySecret: "s3cret" },
        { accessKeyId: "LTAI-b", accessKeySecret: "bsecret" },
        { accessKeyId: "LTAI-c", accessKeySecret: "c:secret" },
      ],
      region: "cn-beijing",
      activationDelayMs: 10,
      activationJitterMs: 0,
      deleteJobDelayMs: 20,
      libraryQuota: 9,
      qpsLimits: { CreateFpShotDB: 3, ListDNADB: 0.5 },
      clockSkewToleranceMs: 1000,
    });
    expect(cfg.stateFile).toBe("/tmp/emu.json");
    expect(cfg.logRequests).toBe(false);
    expect(cfg.userSuppliedKeyIds).toEqual(["LTAI-mine", "LTAI-b", "LTAI-c"]);
  });

  it.each([
    [{ EMULATOR_PORT: "70000" }, /^EMULATOR_PORT must be an integer from 0 to 65535, got "70000"\.$/],
    [{ EMULATOR_LIBRARY_QUOTA: "-1" }, /^EMULATOR_LIBRARY_QUOTA must be an integer/],
    [{ EMULATOR_ACTIVATION_DELAY_MS: "3s" }, /^EMULATOR_ACTIVATION_DELAY_MS must be an integer/],
    [{ EMULATOR_REGION: "Shanghai" }, /^EMULATOR_REGION must be a region id/],
    [{ EMULATOR_ACCESS_KEY_SECRET: "only-secret" }, /^EMULATOR_ACCESS_KEY_ID and EMULATOR_ACCESS_KEY_SECRET must be set together/],
    [{ EMULATOR_QPS_LIMITS: "Nope=1" }, /^EMULATOR_QPS_LIMITS names unknown action Nope/],
    [{ EMULATOR_QPS_LIMITS: "ListDNADB" }, /^EMULATOR_QPS_LIMITS must look like/],
    [{ EMULATOR_EXTRA_ACCOUNTS: "no-secret-here" }, /^EMULATOR_EXTRA_ACCOUNTS must look like id:secret/],
    [{ EMULATOR_LOG: "loud" }, /^EMULATOR_LOG must be "requests" or "silent"/],
  ])("refuses %j naming the variable", (env, message) => {
    expect(() => parseEmulatorEnv(env)).toThrow(EnvError);
    expect(() => parseEmulatorEnv(env)).toThrow(message);
  });

  it("never echoes a secret in an error", () => {
    let message = "";
    try {
      parseEmulatorEnv({ EMULATOR_EXTRA_ACCOUNTS: "ok:fine,:leaked-secret" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^EMULATOR_EXTRA_ACCOUNTS must look like/);
    expect(message).not.toContain("leaked-secret");
  });
});

describe("NonceCache", () => {
  it("refuses a nonce seen before until it expires", () => {
    const c = new NonceCache(100, 0);
    expect(c.remember("ak", "n1", 1_000, 0)).toBe(true);
    expect(c.remember("ak", "n1", 1_500, 500)).toBe(false);
    expect(c.remember("other-ak", "n1", 1_000, 500)).toBe(true);
    expect(c.remember("ak", "n1", 3_000, 1_001)).toBe(true);
  });

  it("forgets expired entries and never holds more than its cap", () => {
    const c = new NonceCache(50, 0);
    for (let i = 0; i < 40; i++) c.remember("ak", `old-${i}`, 100, 0);
    c.remember("ak", "new", 10_000, 200);
    expect(c.size).toBe(1);
    for (let i = 0; i < 500; i++) c.remember("ak", `flood-${i}`, 1e12, 300);
    expect(c.size).toBe(50);
  });
});

describe("Throttle", () => {
  it("allows a burst of `limit`, then refills at `limit` per second", () => {
    const t = new Throttle();
    expect([0, 0, 0].map(() => t.take("ak", "A", 2, 0))).toEqual([true, true, false]);
    expect(t.take("ak", "A", 2, 499)).toBe(false);
    expect(t.take("ak", "A", 2, 500)).toBe(true);
    expect(t.take("ak", "B", 2, 500)).toBe(true);
    expect(t.take("ak2", "A", 2, 500)).toBe(true);
  });

  it("lets a fractional limit through once per 1/limit seconds", () => {
    const t = new Throttle();
    expect(t.take("ak", "A", 0.5, 0)).toBe(true);
    expect(t.take("ak", "A", 0.5, 1_999)).toBe(false);
    expect(t.take("ak", "A", 0.5, 2_000)).toBe(true);
  });
});

describe("timestamps", () => {
  it("parses only UTC YYYY-MM-DDThh:mm:ssZ (fractions tolerated)", () => {
    expect(parseTimestamp("2024-05-01T12:00:00Z")).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseTimestamp("2024-05-01T12:00:00.250Z")).toBe(Date.UTC(2024, 4, 1, 12));
    for (const bad of ["2024-02-30T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01 12:00:00Z", "2024-05-01T12:00:00+08:00", "1714564800"]) {
      expect(parseTimestamp(bad)).toBeUndefined();
    }
    expect(formatTimestamp(Date.UTC(2024, 4, 1, 12, 0, 0, 999))).toBe("2024-05-01T12:00:00Z");
  });
});

it("adds uniform activation jitter on top of the delay", async () => {
  const emu = await startEmulator({ activationDelayMs: 1000, activationJitterMs: 500 });
  try {
    const before = Date.now();
    const res = await iceClient(emu, { account: DEFAULT_DEV_ACCOUNT })("CreateDNADB", { Name: "j" });
    const lib = emu.control.state().libraries.find((l) => l.id === res.DBInfo.DBId)!;
    const at = Date.parse(lib.activatesAt!);
    expect(at).toBeGreaterThanOrEqual(before + 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1500);
  } finally {
    await emu.close();
  }
});
