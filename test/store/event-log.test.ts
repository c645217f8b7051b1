/**
 * The one event log with both kinds in it, on every database in ../support/databases.ts:
 * library and job events share one id sequence and one order; listAfter reads one kind
 * with that kind's filter; listSince (the relay's sweep) reads every kind; a JOB row comes
 * back as the job event it was written as, snapshot included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Library } from "../../src/domain/library.js";
import { openStore, type GatewayEvent, type OpenedStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { moveJob, runJob, submittedJob } from "../support/jobs.js";
import { newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("the event log with library and job events");

describe.each(databaseKinds)("the event log with library and job events on $name", (kind: DatabaseKind) => {
  let db: TestDatabase;
  let store: OpenedStore;
  let library: Library;
  let other: Library;
  let idBefore: number;
  const runs: Array<Awaited<ReturnType<typeof runJob>>> = [];
  let searchId: string;

  beforeAll(async () => {
    db = await kind.fresh();
    store = await openStore({ databaseUrl: db.url });
    idBefore = await store.events.lastId();
    library = await store.libraries.insert(newLibrary({ tenantId: "tenant-a" }));
    other = await store.libraries.insert(newLibrary({ tenantId: "tenant-a" }));
    // A library event, then jobs, then another library event: one sequence.
    await store.libraries.transition(library.id, { status: library.status, rawStatus: library.rawStatus }, { status: "ACTIVE", rawStatus: "active", activatedAt: new Date() });
    const search = await store.searches.claim({ tenantId: "tenant-a", idempotencyKey: null, inputHash: "h", media: "{}", libraryIds: [library.id] });
    searchId = search.search.id;
    runs.push(await runJob(store, "tenant-a", library.id, "SUCCEEDED"));
    runs.push(await runJob(store, "tenant-a", other.id, "FAILED", undefined, { searchId }));
    await store.libraries.transition(other.id, { status: other.status, rawStatus: other.rawStatus }, { status: "ACTIVE", rawStatus: "active", activatedAt: new Date() });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("keeps one ascending id sequence across kinds, and the sweep reads both", async () => {
    const all: GatewayEvent[] = await store.events.listAfterId(idBefore, 1000);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.map((e) => e.kind)).toContain("JOB");
    expect(all.map((e) => e.kind)).toContain("LIBRARY");
    expect(all.at(0)!.kind).toBe("LIBRARY");
    expect(all.at(-1)!.kind).toBe("LIBRARY");
  });

  it("reads library events only with a library filter (with or without kind)", async () => {
    for (const filter of [{}, { kind: "LIBRARY" as const }]) {
      const events = await store.events.listAfter("tenant-a", 0, filter, 1000);
      expect(events.length).toBe(2);
      expect(events.every((e) => e.kind === "LIBRARY")).toBe(true);
    }
  });

  it("reads job events with each filter of the job kind, the job's snapshot included", async () => {
    const ids = async (filter: object) => (await store.events.listAfter("tenant-a", 0, { kind: "JOB", ...filter }, 1000)).map((e) => e.id);
    const [ok, failed] = runs;
    expect(await ids({})).toEqual([ok.runningEventId, ok.finishedEventId, failed.runningEventId, failed.finishedEventId]);
    expect(await ids({ statuses: ["SUCCEEDED", "FAILED", "CANCELED"] })).toEqual([ok.finishedEventId, failed.finishedEventId]);
    expect(await ids({ libraryIds: [other.id] })).toEqual([failed.runningEventId, failed.finishedEventId]);
    expect(await ids({ jobIds: [ok.job.id] })).toEqual([ok.runningEventId, ok.finishedEventId]);
    expect(await ids({ searchIds: [searchId] })).toEqual([failed.runningEventId, failed.finishedEventId]);
    expect(await ids({ jobIds: [] })).toEqual([]);
    expect(await ids({ libraryIds: [library.id], searchIds: [searchId] })).toEqual([]);
    expect(await store.events.listAfter("tenant-b", 0, { kind: "JOB" }, 1000)).toEqual([]);

    const [event] = await store.events.listAfter("tenant-a", ok.runningEventId, { kind: "JOB" }, 1);
    expect(event).toMatchObject({ kind: "JOB", id: ok.finishedEventId, tenantId: "tenant-a", libraryId: library.id, jobId: ok.job.id, searchId: null });
    expect(event).toMatchObject({ previousStatus: "RUNNING", status: "SUCCEEDED", rawStatus: "Success", backend: library.backend });
    expect(event!.job).toEqual(ok.job);
    const [failure] = await store.events.listAfter("tenant-a", failed.runningEventId, { kind: "JOB" }, 1);
    expect(failure).toMatchObject({ searchId, job: { errorCode: "InvalidMedia", status: "FAILED" } });
  });

  it("pages through both kinds by id without losing or repeating one", async () => {
    const pending = await submittedJob(store, "tenant-a", library.id);
    await moveJob(store, pending, "RUNNING");
    const everything = (await store.events.listAfter("tenant-a", 0, { kind: "JOB" }, 1000)).map((e) => e.id);
    const paged: number[] = [];
    for (let after = 0; ; ) {
      const page = await store.events.listAfter("tenant-a", after, { kind: "JOB" }, 2);
      paged.push(...page.map((e) => e.id));
      if (page.length < 2) break;
      after = page.at(-1)!.id;
    }
    expect(paged).toEqual(everything);
  });
});
