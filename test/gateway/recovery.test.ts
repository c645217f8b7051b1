/**
 * A crash between the backend's answer and the database write: simulated exactly by
 * writing what the gateway writes up to that point (the intent, then the backend call),
 * stopping, and starting a new gateway on the same database and emulator.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestHash, validateCreateRequest } from "../../src/domain/create-input.js";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { CREATE } from "../support/documents.js";
import { startHarness } from "../support/gateway-harness.js";

let emulator: RunningEmulator;
const dbFile = join(tmpdir(), `fg-recovery-${randomUUID()}.db`);
const databaseUrl = `file:${dbFile}`;
const env = { CREATE_INTENT_STALE_MS: "1000" };

beforeAll(async () => {
  emulator = await startEmulator({ activationDelayMs: 3_600_000 });
});
afterAll(async () => {
  await emulator.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
});

async function crashAfterBackendAnswered(key: string, name: string, recordBackendId: boolean) {
  const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
  const { store, backends } = h.gateway.services;
  const valid = validateCreateRequest({ name, model: "VIDEO", idempotencyKey: key }, { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai"] });
  const claim = await store.intents.claim({ tenantId: "default", idempotencyKey: key, inputHash: createRequestHash(valid), input: JSON.stringify(valid), region: "cn-shanghai" });
  expect(claim.claimed).toBe(true);
  await store.intents.markCalling(claim.intent.id, "ICE");
  const created = await backends.ICE.create("cn-shanghai", valid);
  if (recordBackendId) await store.intents.markBackendCreated(claim.intent.id, created.backendLibraryId);
  await h.close(); // the process "dies" here: no library row was written
  return created.backendLibraryId;
}

describe("recovery of interrupted creates", () => {
  it.each([
    ["after the backend id was recorded", true],
    ["before the backend id was recorded", false],
  ])("adopts the backend's library at start-up when the crash came %s", async (_when, recordBackendId) => {
    const key = `crash-${randomUUID()}`;
    const name = `crashed-${randomUUID().slice(0, 8)}`;
    const backendLibraryId = await crashAfterBackendAnswered(key, name, recordBackendId);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the intent go stale

    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      const adopted = await h.gateway.services.store.libraries.findByBackendId("default", "ICE", backendLibraryId);
      expect(adopted).toMatchObject({ name, backendLibraryId, status: "OFFLINE" });

      const retry = await h.gql(CREATE, { input: { name, model: "VIDEO", idempotencyKey: key } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.createFingerprintLibrary).toMatchObject({ replayed: true, library: { backendLibraryId } });
      expect(emulator.control.state().libraries.filter((l) => l.name === name)).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("fails an intent that never reached a backend, so a retry creates", async () => {
    const first = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    const key = `never-${randomUUID()}`;
    const valid = validateCreateRequest({ name: "never-sent", model: "VIDEO", idempotencyKey: key }, { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai"] });
    const claim = await first.gateway.services.store.intents.claim({
      tenantId: "default",
      idempotencyKey: key,
      inputHash: createRequestHash(valid),
      input: JSON.stringify(valid),
      region: "cn-shanghai",
    });
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      expect((await h.gateway.services.store.intents.findById(claim.intent.id))!.state).toBe("FAILED");
      const retry = await h.gql(CREATE, { input: { name: "never-sent", model: "VIDEO", idempotencyKey: key } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.createFingerprintLibrary.replayed).toBe(false);
      expect(emulator.control.state().libraries.filter((l) => l.name === "never-sent")).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it("takes over a stale in-flight create when the same key arrives again", async () => {
    const key = `stale-${randomUUID()}`;
    const name = `stale-${randomUUID().slice(0, 8)}`;
    // The holder "dies" after the backend answered; nobody sweeps (long stale time at start).
    const backendLibraryId = await crashAfterBackendAnswered(key, name, true);
    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const retry = await h.gql(CREATE, { input: { name, model: "VIDEO", idempotencyKey: key } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.createFingerprintLibrary.library.backendLibraryId).toBe(backendLibraryId);
      expect(emulator.control.state().libraries.filter((l) => l.name === name)).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});
