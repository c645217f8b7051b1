/**
 * The gateway runs the start-up reconcile by itself in cloud mode: a library deleted on the
 * backend while the gateway was down is DELETED in the registry soon after the next start,
 * without anyone running `npm run reconcile`.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { libraryIdFrom } from "../../src/graphql/global-id.js";
import { CREATE } from "../support/documents.js";
import { startHarness } from "../support/gateway-harness.js";

let emulator: RunningEmulator;
/** Every call the emulator answered, as its log lines ("POST ListDNADB ... -> 200 ..."). */
const backendCalls: string[] = [];
const listCalls = () => backendCalls.filter((line) => /\bList(DNADB|FpShotDB)\b/.test(line)).length;
const dbFile = join(tmpdir(), `fg-startup-reconcile-${randomUUID()}.db`);
const databaseUrl = `file:${dbFile}`;
const quietWatcher = { WATCHER_ENABLED: "false" };

beforeAll(async () => {
  emulator = await startEmulator({ activationDelayMs: 3_600_000, log: (line) => backendCalls.push(line) });
});
afterAll(async () => {
  await emulator.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
});

describe("start-up reconcile", () => {
  it("repairs drift that happened while the gateway was down, and says so in the log", async () => {
    const before = await startHarness({ sharedEmulator: emulator, databaseUrl, env: quietWatcher });
    const created = await before.gql(CREATE, { input: { name: `gone-${randomUUID().slice(0, 8)}`, model: "VIDEO" } });
    expect(created.errors).toBeUndefined();
    const { id, backendLibraryId } = created.data!.createFingerprintLibrary.library;
    await before.close();
    emulator.control.deleteLibrary(backendLibraryId); // deleted in the console while the gateway was down

    const after = await startHarness({
      sharedEmulator: emulator,
      databaseUrl,
      env: { ...quietWatcher, RECONCILE_AT_STARTUP: "true", RECONCILE_STARTUP_DELAY_MS: "0" },
    });
    try {
      const deadline = Date.now() + 15_000;
      let status: string | undefined;
      while (Date.now() < deadline) {
        status = (await after.gateway.services.store.libraries.findById("default", libraryIdFrom(id)))?.status;
        if (status === "DELETED") break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe("DELETED");
      await waitForLog(after.logs, /start-up reconcile/);
      expect(listCalls()).toBeGreaterThan(0); // the orphan listing: what the next test looks for
    } finally {
      await after.close();
    }
  });

  it("is off when RECONCILE_AT_STARTUP=false", async () => {
    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env: { ...quietWatcher, RECONCILE_AT_STARTUP: "false", RECONCILE_STARTUP_DELAY_MS: "0" } });
    try {
      // With the watcher off, only a reconcile would ask the backends for their libraries.
      const before = listCalls();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(listCalls()).toBe(before);
      expect(h.logs.join("")).not.toMatch(/start-up reconcile/);
    } finally {
      await h.close();
    }
  });
});

async function waitForLog(logs: string[], pattern: RegExp) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !pattern.test(logs.join(""))) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(logs.join("")).toMatch(pattern);
}
