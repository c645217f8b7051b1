/**
 * fingerprintJobFinished over graphql-ws, end to end on one gateway (SQLite): live ends of
 * jobs, replay with `after`, no gap and no duplicate at the seam, tenant isolation, the
 * filters, and library subscriptions untouched by job events. Jobs change status through
 * the store's job repository (test/support/jobs.ts), which appends each JOB event in the
 * job's transaction, as the watcher does.
 */
import { print } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/graphql/global-id.js";
import type { Store } from "../../src/store/index.js";
import { CREATE, JOB_FINISHED, STATUS_CHANGED } from "../support/documents.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { internalId, moveJob, runJob, submittedJob } from "../support/jobs.js";
import { connect, settledSubscriberCount, subscribe } from "../support/subscription-client.js";

const KEY_A = "job-events-a-0123456789abcdef";
const KEY_B = "job-events-b-fedcba9876543210";

let h: Harness;
let store: Store;
let clientA: Client;
let clientB: Client;
let libraryA: { id: string; internal: string };
let otherLibraryA: { id: string; internal: string };
let libraryB: { id: string; internal: string };

async function create(key: string, name: string) {
  const response = await h.post(JSON.stringify({ query: print(CREATE), variables: { input: { name, model: "VIDEO" } } }), {
    authorization: `Bearer ${key}`,
  });
  const body = (await response.json()) as any;
  expect(body.errors).toBeUndefined();
  const id: string = body.data.createFingerprintLibrary.library.id;
  return { id, internal: internalId(id) };
}

beforeAll(async () => {
  h = await startHarness({
    emulator: { activationDelayMs: 50, activationJitterMs: 0 },
    env: {
      API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`,
      WATCHER_TICK_MS: "20",
      WATCHER_MIN_INTERVAL_MS: "50",
      WATCHER_MAX_INTERVAL_MS: "200",
    },
  });
  store = h.gateway.services.store;
  clientA = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
  clientB = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_B}` });
  libraryA = await create(KEY_A, "jobs-a");
  otherLibraryA = await create(KEY_A, "jobs-a-other");
  libraryB = await create(KEY_B, "jobs-b");
});
afterAll(async () => {
  await clientA?.dispose();
  await clientB?.dispose();
  await h?.close();
});

const subscribers = (n: number) => eventually(async () => h.gateway.events.subscriberCount >= n);
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("fingerprintJobFinished live", () => {
  it("pushes each job's end once, with the job as it ended, to its own tenant only", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const a = subscribe(clientA, JOB_FINISHED);
    const b = subscribe(clientB, JOB_FINISHED);
    await subscribers(base + 2);

    const succeeded = await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    const failed = await runJob(store, "tenant-a", libraryA.internal, "FAILED", h.gateway.services.jobRecorder);
    const events = await a.waitFor(2);
    await quiet();
    expect(a.events).toHaveLength(2);
    expect(events.map((e) => e.status)).toEqual(["SUCCEEDED", "FAILED"]);
    expect(events.map((e) => Number(e.eventId))).toEqual([succeeded.finishedEventId, failed.finishedEventId]);
    expect(internalId(events[0].job.id)).toBe(succeeded.job.id);
    expect(events[0].job).toMatchObject({ status: "SUCCEEDED", rawStatus: "Success", backendJobId: `backend-${succeeded.job.id}` });
    expect(events[0].job.finishedAt).not.toBeNull();
    expect(events[1].job).toMatchObject({ status: "FAILED", errorCode: "InvalidMedia" });
    expect(b.events).toEqual([]);
    expect(a.errors).toEqual([]);
    a.stop();
    b.stop();
  });

  it("is delivered by the relay's sweep when nobody published it (the bus lost it)", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const a = subscribe(clientA, JOB_FINISHED, { filter: { libraryIds: [otherLibraryA.id] } });
    await subscribers(base + 1);
    const { job, finishedEventId } = await runJob(store, "tenant-a", otherLibraryA.internal, "CANCELED");
    await h.gateway.events.sweep();
    const [event] = await a.waitFor(1);
    expect(Number(event.eventId)).toBe(finishedEventId);
    expect(internalId(event.job.id)).toBe(job.id);
    expect(event.status).toBe("CANCELED");
    a.stop();
  });
});

describe("fingerprintJobFinished with after", () => {
  it("replays the ends missed while away (not the intermediate changes), then continues live without a duplicate", async () => {
    const { finishedEventId: seen } = await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    const missed = [
      await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder),
      await runJob(store, "tenant-b", libraryB.internal, "SUCCEEDED", h.gateway.services.jobRecorder),
      await runJob(store, "tenant-a", libraryA.internal, "FAILED", h.gateway.services.jobRecorder),
    ];
    const pending = await submittedJob(store, "tenant-a", libraryA.internal);
    await moveJob(store, pending, "RUNNING", h.gateway.services.jobRecorder);

    const resumed = subscribe(clientA, JOB_FINISHED, { after: String(seen) });
    await resumed.waitFor(2);
    const live = await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    await resumed.waitFor(3);
    await quiet();
    const want = [missed[0].finishedEventId, missed[2].finishedEventId, live.finishedEventId];
    expect(resumed.events.map((e) => Number(e.eventId))).toEqual(want);
    resumed.stop();
  });

  it("has no gap and no duplicate at the seam while jobs end during the replay", async () => {
    const { finishedEventId: start } = await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    const before = [];
    for (let i = 0; i < 30; i++) before.push(await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder));
    const filter = { libraryIds: [libraryA.id] };
    const resumed = subscribe(clientA, JOB_FINISHED, { after: String(start), filter });
    // Jobs end while the replay is being read and sent.
    const during = [];
    for (let i = 0; i < 30; i++) during.push(await runJob(store, "tenant-a", libraryA.internal, i % 3 === 0 ? "FAILED" : "SUCCEEDED", h.gateway.services.jobRecorder));
    const want = [...before, ...during].map((r) => r.finishedEventId);
    await resumed.waitFor(want.length);
    await quiet();
    expect(resumed.events.map((e) => Number(e.eventId))).toEqual(want);
    resumed.stop();
  });
});

describe("fingerprintJobFinished filters", () => {
  it("narrows by library, job and search; any given list must match", async () => {
    const search = await store.searches.claim({ tenantId: "tenant-a", idempotencyKey: null, inputHash: "h", media: "{}", libraryIds: [libraryA.internal] });
    const searchId = search.search.id;
    const base = await settledSubscriberCount(h.gateway.events);
    const byLibrary = subscribe(clientA, JOB_FINISHED, { filter: { libraryIds: [otherLibraryA.id] } });
    const bySearch = subscribe(clientA, JOB_FINISHED, { filter: { searchIds: [toGlobalId("DuplicateSearch", searchId)] } });
    await subscribers(base + 2);
    const inSearch = await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder, { searchId });
    const inOther = await runJob(store, "tenant-a", otherLibraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    const target = await submittedJob(store, "tenant-a", libraryA.internal);
    const byJob = subscribe(clientA, JOB_FINISHED, { filter: { jobIds: [toGlobalId("FingerprintJob", target.id)] } });
    await subscribers(base + 3);
    await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    const running = await moveJob(store, target, "RUNNING", h.gateway.services.jobRecorder);
    const ended = await moveJob(store, running.job, "CANCELED", h.gateway.services.jobRecorder);

    await Promise.all([byLibrary.waitFor(1), bySearch.waitFor(1), byJob.waitFor(1)]);
    await quiet();
    expect(byLibrary.events.map((e) => Number(e.eventId))).toEqual([inOther.finishedEventId]);
    expect(bySearch.events.map((e) => Number(e.eventId))).toEqual([inSearch.finishedEventId]);
    expect(byJob.events.map((e) => Number(e.eventId))).toEqual([ended.eventId]);
    // The same filters on replay.
    const replayed = subscribe(clientA, JOB_FINISHED, { after: "0", filter: { searchIds: [toGlobalId("DuplicateSearch", searchId)], libraryIds: [libraryA.id] } });
    await replayed.waitFor(1);
    await quiet();
    expect(replayed.events.map((e) => Number(e.eventId))).toEqual([inSearch.finishedEventId]);
    for (const s of [byLibrary, bySearch, byJob, replayed]) s.stop();
  });

  it("refuses another type's id, too many ids and a malformed eventId with BAD_USER_INPUT", async () => {
    const wrongType = subscribe(clientA, JOB_FINISHED, { filter: { jobIds: [libraryA.id] } });
    const tooMany = subscribe(clientA, JOB_FINISHED, { filter: { libraryIds: Array.from({ length: 101 }, () => libraryA.id) } });
    const badAfter = subscribe(clientA, JOB_FINISHED, { after: "last" });
    await eventually(async () => wrongType.errors.length > 0 && tooMany.errors.length > 0 && badAfter.errors.length > 0);
    for (const s of [wrongType, tooMany, badAfter]) expect((s.errors[0] as any).extensions.code).toBe("BAD_USER_INPUT");
    expect((wrongType.errors[0] as any).message).toMatch(/filter\.jobIds .* is not a FingerprintJob id/);
    expect((tooMany.errors[0] as any).message).toMatch(/limit is 100/);
    expect((badAfter.errors[0] as any).message).toMatch(/after must be an eventId/);
  });

  it("is under the operation guard over graphql-ws like any operation (document limits)", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: status`).join(" ");
    const guarded = subscribe(clientA, `subscription { fingerprintJobFinished { eventId job { ${aliases} } } }`);
    await eventually(async () => guarded.errors.length > 0);
    // graphql-ws reports a refused operation as its list of errors.
    expect([guarded.errors].flat(2)[0] as any).toMatchObject({ message: /^Aliases limit of 30 exceeded/ });
    expect(([guarded.errors].flat(2)[0] as any).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MAX_ALIASES" });
    expect(guarded.events).toEqual([]);
  });

  it("sees another tenant's job and library ids as matching nothing", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const prying = subscribe(clientB, JOB_FINISHED, { filter: { libraryIds: [libraryA.id] }, after: "0" });
    await subscribers(base + 1);
    await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder);
    await quiet();
    expect(prying.events).toEqual([]);
    expect(prying.errors).toEqual([]);
    prying.stop();
  });
});

describe("library subscriptions with job events in the log", () => {
  it("never receive a job event, live or replayed", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const live = subscribe(clientA, STATUS_CHANGED);
    await subscribers(base + 1);
    const jobs = [await runJob(store, "tenant-a", libraryA.internal, "SUCCEEDED", h.gateway.services.jobRecorder)];
    const newLibrary = await create(KEY_A, "after-jobs");
    jobs.push(await runJob(store, "tenant-a", newLibrary.internal, "FAILED", h.gateway.services.jobRecorder));
    await eventually(async () => live.events.some((e) => e.library.id === newLibrary.id && e.status === "ACTIVE"));
    const jobEventIds = new Set(jobs.flatMap((j) => [j.runningEventId, j.finishedEventId]));
    const replayed = subscribe(clientA, STATUS_CHANGED, { after: "0" });
    await eventually(async () => replayed.events.some((e) => e.library.id === newLibrary.id));
    await quiet();
    for (const events of [live.events, replayed.events]) {
      expect(events.every((e) => !jobEventIds.has(Number(e.eventId)) && e.library)).toBe(true);
    }
    expect(live.errors).toEqual([]);
    expect(replayed.errors).toEqual([]);
    live.stop();
    replayed.stop();
  });
});
