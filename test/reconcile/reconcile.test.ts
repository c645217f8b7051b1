/**
 * The reconciler against the real gateway and the emulator: what changed on a backend
 * behind the gateway's back is repaired through the StatusRecorder (with its event), a
 * backend library no registry holds is reported and left alone, an interrupted create is
 * adopted. The watcher is off, so every repair seen here is the reconciler's.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { endpointKey } from "../../src/backends/index.js";
import { createRequestHash, validateCreateRequest } from "../../src/domain/create-input.js";
import type { FingerprintBackend, FingerprintModel } from "../../src/domain/model.js";
import { needsAttention, reconcile, type ReconcileOptions } from "../../src/reconcile/reconciler.js";
import { formatReport } from "../../src/reconcile/format.js";
import { reconcileAtStartup, STARTUP_RECONCILE_LEASE } from "../../src/reconcile/startup.js";
import { ACTIVATED, CREATE, DELETE, STATUS_CHANGED } from "../support/documents.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";
import { connect, settle, subscribe } from "../support/subscription-client.js";
import type { Client } from "graphql-ws";
import pino from "pino";

const quiet = pino({ level: "silent" });
let h: Harness;
const clients: Client[] = [];

beforeAll(async () => {
  h = await startHarness({
    // Nothing turns active by itself: only what the test does behind the gateway's back.
    // The gateway's own recovery sweep waits an hour, so the intents seen here are the reconciler's to settle.
    emulator: { activationDelayMs: 3_600_000, deleteJobDelayMs: 3_600_000, libraryQuota: 1000 },
    env: { WATCHER_ENABLED: "false", CREATE_INTENT_STALE_MS: "3600000", ALLOWED_REGIONS: "cn-shanghai,cn-beijing" },
  });
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.dispose();
  h.emulator.control.clearFaults();
});
afterAll(async () => {
  await h?.close();
});

/** One emulator endpoint, but every region is its own listing (the region travels in x-acs-region-id), as the gateway's endpointKey says. */
const options = (extra: Partial<ReconcileOptions> = {}): ReconcileOptions => ({
  regions: ["cn-shanghai", "cn-beijing"],
  intentStaleMs: 1000,
  listingKey: (backend, region) => endpointKey({ endpoints: { ICE: h.emulator.endpoint, MPS: h.emulator.endpoint }, protocol: "http" }, backend, region),
  log: quiet,
  ...extra,
});
const run = (extra?: Partial<ReconcileOptions>) => reconcile(h.gateway.services, options(extra));

async function create(model: FingerprintModel, name = `lib-${randomUUID().slice(0, 8)}`) {
  const response = await h.gql(CREATE, { input: { name, model } });
  expect(response.errors).toBeUndefined();
  const library = response.data!.createFingerprintLibrary.library;
  const row = await h.gateway.services.store.libraries.findByBackendId("default", library.backend as FingerprintBackend, library.backendLibraryId);
  return { graphql: library, row: row! };
}

/** A library made on the backend without the gateway knowing (another tool, a lost create). */
async function makeBehindTheBack(backend: FingerprintBackend, name: string, model: FingerprintModel = "VIDEO") {
  return h.gateway.services.backends[backend].create("cn-shanghai", { name, description: null, model, config: null });
}

/** Reconciles until nothing is left to repair, so the next test starts from a clean registry. */
async function settleEverything() {
  const report = await run();
  for (const orphan of report.orphans) {
    // Orphans are not the reconciler's to fix: remove them from the backend here.
    h.emulator.control.deleteLibrary(orphan.backendLibraryId);
  }
}

describe("reconcile", () => {
  it("repairs a library deleted on its backend behind the gateway's back to DELETED (ICE and MPS)", async () => {
    await settleEverything();
    const ice = await create("VIDEO");
    const mps = await create("IMAGE");
    h.emulator.control.deleteLibrary(ice.row.backendLibraryId);
    h.emulator.control.deleteLibrary(mps.row.backendLibraryId);

    const report = await run();
    const repaired = report.repaired.filter((r) => [ice.row.id, mps.row.id].includes(r.libraryId));
    expect(repaired).toHaveLength(2);
    for (const r of repaired) expect(r).toMatchObject({ from: { status: "OFFLINE" }, to: { status: "DELETED", rawStatus: "absent" } });
    expect(await h.gateway.services.store.libraries.findById("default", ice.row.id)).toMatchObject({ status: "DELETED", rawStatus: "absent" });
    expect(await h.gateway.services.store.libraries.findById("default", mps.row.id)).toMatchObject({ status: "DELETED", rawStatus: "absent" });
    expect(report.unresolved).toEqual([]);
    expect(report.orphans).toEqual([]);

    // Nothing left: a second run repairs nothing and DELETED rows are not read again.
    const again = await run();
    expect(again.repaired).toEqual([]);
    expect(again.checked).toBe(again.scanned - (await countDeleted()));
  });

  it("repairs a library activated behind its back to ACTIVE, with exactly one event", async () => {
    await settleEverything();
    const client = connect(h.gateway.graphqlUrl);
    clients.push(client);
    const activated = subscribe(client, ACTIVATED);
    const changed = subscribe(client, STATUS_CHANGED);
    await settle();
    const { graphql, row } = await create("AUDIO");
    h.emulator.control.activate(row.backendLibraryId);

    const report = await run();
    expect(report.repaired).toEqual([
      expect.objectContaining({ libraryId: row.id, from: { status: "OFFLINE", rawStatus: "offline" }, to: { status: "ACTIVE", rawStatus: "active" } }),
    ]);
    const stored = await h.gateway.services.store.libraries.findById("default", row.id);
    expect(stored).toMatchObject({ status: "ACTIVE" });
    expect(stored!.activatedAt).toBeInstanceOf(Date);

    const [event] = await activated.waitFor(1);
    expect(event.library).toMatchObject({ id: graphql.id, status: "ACTIVE" });
    await changed.waitFor(1);
    // A second reconcile sees no difference and makes no event.
    expect((await run()).repaired).toEqual([]);
    await settle(400);
    expect(activated.events).toHaveLength(1);
    expect(changed.events.filter((e) => e.library.id === graphql.id)).toHaveLength(1);
  });

  it("finishes an MPS delete whose job completed: DELETING becomes DELETED", async () => {
    await settleEverything();
    const { graphql, row } = await create("IMAGE");
    const deleted = await h.gql(DELETE, { id: graphql.id });
    expect(deleted.data!.deleteFingerprintLibrary.library.status).toBe("DELETING");
    const job = (await h.gateway.services.store.libraries.findById("default", row.id))!.deleteJobId!;
    h.emulator.control.finishJob(job);

    const report = await run();
    expect(report.repaired).toEqual([expect.objectContaining({ libraryId: row.id, from: expect.objectContaining({ status: "DELETING" }), to: { status: "DELETED", rawStatus: "deleted" } })]);
  });

  it("reports a backend library that no registry holds as an orphan, and does not import it", async () => {
    await settleEverything();
    const name = `orphan-${randomUUID().slice(0, 8)}`;
    const orphan = await makeBehindTheBack("MPS", name, "IMAGE");
    const before = await h.gateway.services.store.libraries.scanAll(null, 10_000);

    const report = await run();
    expect(report.orphans).toEqual([
      { account: "default", backend: "MPS", regions: ["cn-shanghai"], backendLibraryId: orphan.backendLibraryId, name, model: "IMAGE", status: "OFFLINE", rawStatus: "offline" },
    ]);
    expect(needsAttention(report)).toBe(true);
    expect(formatReport(report)).toContain(orphan.backendLibraryId);
    expect(await h.gateway.services.store.libraries.scanAll(null, 10_000)).toHaveLength(before.length);

    // Regions that share one listing are listed once and named together.
    const shared = await run({ listingKey: () => "one listing" });
    expect(shared.orphans.map((o) => o.backendLibraryId)).toEqual([orphan.backendLibraryId]);
    expect(shared.orphans[0].regions).toEqual(["cn-shanghai", "cn-beijing"]);
    h.emulator.control.deleteLibrary(orphan.backendLibraryId);
  });

  it("adopts the library of a stale PENDING intent (recorded id and name match), so a retry with the key replays it", async () => {
    await settleEverything();
    const { store } = h.gateway.services;
    const adoptedIds: string[] = [];
    for (const recordId of [true, false]) {
      const key = `pending-${randomUUID()}`;
      const name = `interrupted-${randomUUID().slice(0, 8)}`;
      const valid = validateCreateRequest({ name, model: "VIDEO", idempotencyKey: key }, { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai", "cn-beijing"] });
      const claim = await store.intents.claim({ tenantId: "default", idempotencyKey: key, inputHash: createRequestHash(valid), input: JSON.stringify(valid), region: "cn-shanghai" });
      await store.intents.markCalling(claim.intent.id, "ICE");
      const made = await makeBehindTheBack("ICE", name);
      if (recordId) await store.intents.markBackendCreated(claim.intent.id, made.backendLibraryId);

      // Fresh: still "in flight", neither settled nor an orphan.
      const early = await run();
      expect(early.orphans.map((o) => o.backendLibraryId)).not.toContain(made.backendLibraryId);
      expect(early.intents.adopted).toBe(0);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const report = await run();
      expect(report.intents).toMatchObject({ examined: 1, adopted: 1 });
      expect(report.intentsSettled).toBe(1);
      expect(report.orphans).toEqual([]);
      const row = await store.libraries.findByBackendId("default", "ICE", made.backendLibraryId);
      expect(row).toMatchObject({ name, status: "OFFLINE" });
      adoptedIds.push(row!.id);

      const retry = await h.gql(CREATE, { input: { name, model: "VIDEO", idempotencyKey: key } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data!.createFingerprintLibrary).toMatchObject({ replayed: true, library: { backendLibraryId: made.backendLibraryId } });
    }
    expect(new Set(adoptedIds).size).toBe(2);
  });

  it("adopting an interrupted create whose library is ACTIVE by now still fires fingerprintLibraryActivated, once", async () => {
    await settleEverything();
    const { store } = h.gateway.services;
    const client = connect(h.gateway.graphqlUrl);
    clients.push(client);
    const activated = subscribe(client, ACTIVATED);
    await settle();
    const key = `active-${randomUUID()}`;
    const name = `interrupted-active-${randomUUID().slice(0, 8)}`;
    const valid = validateCreateRequest({ name, model: "VIDEO", idempotencyKey: key }, { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai", "cn-beijing"] });
    const claim = await store.intents.claim({ tenantId: "default", idempotencyKey: key, inputHash: createRequestHash(valid), input: JSON.stringify(valid), region: "cn-shanghai" });
    await store.intents.markCalling(claim.intent.id, "ICE");
    const made = await makeBehindTheBack("ICE", name);
    await store.intents.markBackendCreated(claim.intent.id, made.backendLibraryId);
    // The gateway "died" here; the library turned active meanwhile.
    h.emulator.control.activate(made.backendLibraryId);
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    const report = await run();
    expect(report.intents.adopted).toBe(1);
    const row = await store.libraries.findByBackendId("default", "ICE", made.backendLibraryId);
    expect(row).toMatchObject({ status: "ACTIVE" });
    const events = await store.events.listAfter("default", 0, { libraryIds: [row!.id] }, 10);
    expect(events.filter((e) => e.firstActivation)).toHaveLength(1);
    const [event] = await activated.waitFor(1, 5_000);
    expect(event.library).toMatchObject({ backendLibraryId: made.backendLibraryId, status: "ACTIVE" });
  });

  it("reports a library whose backend cannot be read as unresolved and leaves its status alone", async () => {
    await settleEverything();
    const { row } = await create("VIDEO");
    h.emulator.control.setFault("ListDNADB", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503 });
    const report = await run();
    h.emulator.control.clearFaults();
    expect(report.unresolved).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "read-failed", subject: row.id, reason: expect.stringContaining("BACKEND_UNAVAILABLE") }),
        expect.objectContaining({ kind: "orphan-scan-failed", subject: "ICE cn-shanghai" }),
        expect.objectContaining({ kind: "orphan-scan-failed", subject: "ICE cn-beijing" }),
      ]),
    );
    expect(report.repaired.map((r) => r.libraryId)).not.toContain(row.id);
    expect(await h.gateway.services.store.libraries.findById("default", row.id)).toMatchObject({ status: "OFFLINE" });
    expect(formatReport(report)).toContain("read-failed");
  });

  it("stops at its deadline and says what it did not reach", async () => {
    const late = await run({ deadlineMs: -1 });
    expect(late.complete).toBe(false);
    expect(late.unresolved).toEqual([expect.objectContaining({ kind: "incomplete", subject: "settling stale create intents" })]);
    expect(late.checked).toBe(0);
  });

  it("reconcileAtStartup runs once per lease holder, logs, and never throws", async () => {
    await settleEverything();
    const { row } = await create("VIDEO");
    h.emulator.control.deleteLibrary(row.backendLibraryId);
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });

    // Another instance holds the lease: this one skips.
    await h.gateway.services.store.leases.acquire(STARTUP_RECONCILE_LEASE, "someone-else", 60_000);
    const skipped = reconcileAtStartup(h.gateway.services, log, { listingKey: () => "one", timeoutMs: 10_000 });
    expect(await skipped.done).toBeNull();
    expect(lines.join("")).toContain("another instance");
    await h.gateway.services.store.leases.release(STARTUP_RECONCILE_LEASE, "someone-else");

    const started = reconcileAtStartup(h.gateway.services, log, { listingKey: () => "one", timeoutMs: 10_000 });
    const report = await started.done;
    await started.stop();
    expect(report!.repaired.map((r) => r.libraryId)).toContain(row.id);
    expect(lines.join("")).toMatch(/start-up reconcile/);
    // The lease is released when it is done.
    expect((await h.gateway.services.store.leases.list()).filter((l) => l.name === STARTUP_RECONCILE_LEASE && l.expiresAt > new Date())).toEqual([]);

    // Stopped at once (shutdown): resolves null or a partial report, quickly.
    const stopped = reconcileAtStartup(h.gateway.services, log, { listingKey: () => "one", delayMs: 5_000 });
    const t0 = Date.now();
    await stopped.stop();
    expect(await stopped.done).toBeNull();
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});

async function countDeleted(): Promise<number> {
  return (await h.gateway.services.store.libraries.scanAll(null, 10_000)).filter((l) => l.status === "DELETED").length;
}
