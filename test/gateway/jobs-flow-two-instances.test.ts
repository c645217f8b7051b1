/**
 * The whole job flow across two gateway instances on one PostgreSQL, one Redis and one
 * emulator, driven through GraphQL only and alternating instances as a load balancer would:
 * save a text (the emulator's real text fingerprints), search a copy and find it, search
 * unrelated text and find nothing, one duplicate search across an ICE and an MPS library,
 * list the stored files, delete them on ICE and on MPS, cancel a queued ICE job, and one
 * idempotencyKey sent to both instances at once. A fingerprintJobFinished subscriber on B
 * must get every job's end exactly once, whichever instance submitted the job and whichever
 * watcher ended it; the shard leases must give each shard (so each job) to one watcher.
 */
import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GetDuplicateSearchDocument as GET_SEARCH,
  GetJobDocument as GET_JOB,
  SearchDuplicatesDocument as SEARCH,
  SubmitJobDocument as SUBMIT,
  type JobFinishedSubscription,
  type SubmitFingerprintJobInput,
} from "../../src/client/generated/operations.js";
import { WATCHER_SHARD_COUNT, type FingerprintBackend } from "../../src/domain/model.js";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { putMedia, testEngine } from "../emulator/content-helpers.js";
import { postgresql, type TestDatabase, scaleOutServers } from "../support/databases.js";
import { CANCEL, CREATE, DELETE_FILES, FILES, JOB_FINISHED, REFRESH } from "../support/documents.js";
import { eventually, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe, type Collected } from "../support/subscription-client.js";

const { pgUrl, redisUrl, missing } = scaleOutServers("job flow across two instances");

const KEY = "flow-two-instances-0123456789abcdef";
const BUCKET = "flow-two-media";
const ORIGINAL = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const COPY = `An unrelated opening line about the weather. ${ORIGINAL.slice(0, 200)}`;
const UNRELATED = "Quarterly revenue grew in every region except the north, where a late harvest delayed shipments of grain to the coast. ".repeat(3);
const media = (object: string) => ({ oss: { bucket: BUCKET, object } });
const FINISHED = ["SUCCEEDED", "FAILED", "CANCELED"];
const ALL_SHARDS = Array.from({ length: WATCHER_SHARD_COUNT }, (_, shard) => shard);

type FinishedEvent = JobFinishedSubscription["fingerprintJobFinished"];
/** The part of GET /_emulator/state this suite reads. */
type EmulatorContentState = { content: { jobs: Array<{ type: string; primaryKey?: string; libraryId: string; status: string }> } };

describe.skipIf(!!missing)("job flow across two instances (PostgreSQL + Redis)", () => {
  let database: TestDatabase;
  let a: Harness;
  let b: Harness;
  const clients: Client[] = [];
  /** B's subscriber, open for the whole flow. */
  let onB: Collected<FinishedEvent>;
  /** Every fingerprint job the flow made, in order: each must end exactly once on onB. */
  const jobIds: string[] = [];
  let ice: { id: string; backendLibraryId: string };
  let mps: { id: string; backendLibraryId: string };

  async function as<R, V>(h: Harness, document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>> {
    const response = await h.post(JSON.stringify({ query: print(document), variables }), { authorization: `Bearer ${KEY}` });
    return (await response.json()) as GraphQLResponse<R>;
  }

  /** The emulator's content jobs (fingerprint and file-delete, both services), from its control route. */
  async function backendJobs() {
    const state = (await (await fetch(`${a.emulator.url}/_emulator/state`)).json()) as EmulatorContentState;
    return state.content.jobs;
  }

  /** Created through `creator`, activated on the emulator, refreshed through `refresher`. */
  async function textLibrary(creator: Harness, refresher: Harness, backend: FingerprintBackend) {
    const created = await as(creator, CREATE, { input: { name: `flow-two-${backend}`, model: "TEXT", backend } });
    expect(created.errors).toBeUndefined();
    const library = created.data!.createFingerprintLibrary.library;
    a.emulator.control.activate(library.backendLibraryId);
    const refreshed = await as(refresher, REFRESH, { id: library.id });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data!.refreshFingerprintLibrary.status).toBe("ACTIVE");
    return { id: library.id, backendLibraryId: library.backendLibraryId };
  }

  async function submit(h: Harness, input: SubmitFingerprintJobInput) {
    const submitted = await as(h, SUBMIT, { input });
    expect(submitted.errors).toBeUndefined();
    const job = submitted.data!.submitFingerprintJob.job;
    jobIds.push(job.id);
    return job;
  }

  /** The job's end as B's subscriber saw it (whichever instance's watcher recorded it). */
  const endOnB = (jobId: string) => eventually(async () => onB.events.find((event) => event.job.id === jobId), 30_000, 20);

  /** The job read through `h` once it has ended. */
  const finishedOn = (h: Harness, id: string) =>
    eventually(async () => {
      const job = (await as(h, GET_JOB, { id })).data!.fingerprintJob!;
      return FINISHED.includes(job.status) ? job : null;
    }, 30_000);

  async function fileKeys(h: Harness, id: string) {
    const listed = await as(h, FILES, { id, first: 100 });
    expect(listed.errors).toBeUndefined();
    return listed.data!.fingerprintLibrary!.files.nodes.map((file) => file.primaryKey);
  }

  /** The shards each instance's watcher holds, from its own "took"/"lost" log lines (the last one says what it holds). */
  function heldShards(h: Harness): number[] {
    const lines = h.logs
      .map((line) => JSON.parse(line) as { msg?: string; held?: number[] })
      .filter((line) => line.msg === "watcher took shards" || line.msg === "watcher lost shard leases");
    return lines.at(-1)?.held ?? [];
  }

  async function watcherReads(h: Harness): Promise<number> {
    const text = await (await fetch(h.gateway.metricsUrl!)).text();
    return text
      .split("\n")
      .filter((line) => line.startsWith("gateway_job_watcher_backend_calls_total{"))
      .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  }

  beforeAll(async () => {
    database = await postgresql(pgUrl!).fresh();
    const env = {
      API_KEYS: `tenant-flow:${KEY}`,
      REDIS_URL: redisUrl!,
      EVENT_CHANNEL: `jobs-flow-two:${randomUUID()}`,
      // Bus and sweep both carry events, as in production; the sweep often enough that the
      // final check's pause spans two sweeps, so a duplicate from either path would show.
      EVENT_SWEEP_INTERVAL_MS: "500",
      WATCHER_TICK_MS: "50",
      JOB_WATCHER_MIN_INTERVAL_MS: "20",
      JOB_WATCHER_MAX_INTERVAL_MS: "200",
      JOB_EXPECTED_DURATION_MS: "0",
    };
    // One after the other: the first migrates the fresh schema. B shares A's emulator.
    a = await startHarness({
      databaseUrl: database.url,
      env,
      emulator: {
        activationDelayMs: 3_600_000,
        jobQueueDelayMs: 0,
        jobSecondsPerMediaSecond: 0,
        deleteJobDelayMs: 300,
        fingerprintEngine: testEngine,
        libraryQuota: 100,
      },
    });
    b = await startHarness({ databaseUrl: database.url, env, sharedEmulator: a.emulator });
    for (const [key, text] of [["original.txt", ORIGINAL], ["copy.txt", COPY], ["unrelated.txt", UNRELATED]] as const) {
      await putMedia(a.emulator, BUCKET, key, text, { account: DEFAULT_DEV_ACCOUNT });
    }
    const client = connect(b.gateway.graphqlUrl, { Authorization: `Bearer ${KEY}` });
    clients.push(client);
    onB = subscribe(client, JOB_FINISHED);
    await eventually(async () => b.gateway.events.subscriberCount >= 1);
    ice = await textLibrary(a, b, "ICE");
    mps = await textLibrary(b, a, "MPS");
  }, 120_000);

  afterAll(async () => {
    onB?.stop();
    for (const client of clients) await client.dispose();
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it("saves on A, finds the copy through B, and finds nothing for unrelated text", async () => {
    const saved = await submit(a, { libraryId: ice.id, media: media("original.txt"), mode: "SAVE", primaryKey: "doc-ice" });
    expect(saved.status).toBe("QUEUED");
    expect((await endOnB(saved.id)).status).toBe("SUCCEEDED");
    expect(await finishedOn(b, saved.id)).toMatchObject({ status: "SUCCEEDED", mode: "SAVE", matches: [] });

    const copy = await submit(b, { libraryId: ice.id, media: media("copy.txt"), mode: "SEARCH" });
    const copyEnd = await endOnB(copy.id);
    expect(copyEnd.status).toBe("SUCCEEDED");
    // The event carries the job as it was at its end: the matches are already there.
    expect(copyEnd.job.matches.map((m) => m.primaryKey)).toEqual(["doc-ice"]);
    const found = await finishedOn(a, copy.id);
    expect(found.matches.map((m) => m.primaryKey)).toEqual(["doc-ice"]);
    expect(found.matches[0]!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(found.matches[0]!.segments.length).toBeGreaterThan(0);

    const unrelated = await submit(a, { libraryId: ice.id, media: media("unrelated.txt"), mode: "SEARCH" });
    expect((await endOnB(unrelated.id)).status).toBe("SUCCEEDED");
    expect(await finishedOn(b, unrelated.id)).toMatchObject({ status: "SUCCEEDED", matches: [] });
  });

  it("searches an ICE and an MPS library at once: started on A, read on B", async () => {
    const savedOnMps = await submit(b, { libraryId: mps.id, media: media("original.txt"), mode: "SAVE", primaryKey: "doc-mps" });
    expect((await endOnB(savedOnMps.id)).status).toBe("SUCCEEDED");

    const started = await as(a, SEARCH, { input: { media: media("copy.txt"), libraryIds: [ice.id, mps.id], idempotencyKey: "flow-two-search" } });
    expect(started.errors).toBeUndefined();
    const search = started.data!.searchDuplicates.search;
    expect(search.jobs).toHaveLength(2);
    jobIds.push(...search.jobs.map((job) => job.id));
    const done = await eventually(async () => {
      const read = (await as(b, GET_SEARCH, { id: search.id })).data!.duplicateSearch!;
      return read.status === "SUCCEEDED" || read.status === "FAILED" ? read : null;
    }, 30_000);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.jobs.map((job) => job.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const found = done.matches.map((m) => [m.library.id, m.match.primaryKey]);
    expect(found).toHaveLength(2);
    expect(found).toEqual(expect.arrayContaining([[ice.id, "doc-ice"], [mps.id, "doc-mps"]]));
    const similarities = done.matches.map((m) => m.match.similarity);
    expect(similarities).toEqual([...similarities].sort((x, y) => y - x));
    for (const job of search.jobs) expect((await endOnB(job.id)).job.searchId).toBe(search.id);
  });

  it("lists the saved keys on either instance, and deletes them on ICE (at once) and on MPS (through its delete job)", async () => {
    // Searches store nothing: only the SAVEs are listed.
    expect(await fileKeys(a, ice.id)).toEqual(["doc-ice"]);
    expect(await fileKeys(b, ice.id)).toEqual(["doc-ice"]);
    expect(await fileKeys(a, mps.id)).toEqual(["doc-mps"]);

    const onIce = await as(b, DELETE_FILES, { libraryId: ice.id, primaryKeys: ["doc-ice"] });
    expect(onIce.errors).toBeUndefined();
    expect(onIce.data!.deleteFingerprintFiles).toMatchObject({ status: "SUCCEEDED", primaryKeys: ["doc-ice"] });
    expect(await fileKeys(a, ice.id)).toEqual([]);

    const onMps = await as(a, DELETE_FILES, { libraryId: mps.id, primaryKeys: ["doc-mps"] });
    expect(onMps.errors).toBeUndefined();
    expect(onMps.data!.deleteFingerprintFiles).toMatchObject({ status: "QUEUED", primaryKeys: ["doc-mps"] });
    // The API's view of the end: the key leaves the listing once MPS ran the delete job.
    await eventually(async () => (await fileKeys(b, mps.id)).length === 0, 30_000);
    // One delete job on MPS, run to its end, and one watcher followed it there (no unfinished
    // DELETE_FILES row is left to read on any shard).
    const deleteJobs = (await backendJobs()).filter((job) => job.type === "fileDelete" && job.libraryId === mps.backendLibraryId);
    expect(deleteJobs.map((job) => job.status)).toEqual([expect.stringMatching(/success/i)]);
    const mpsInternalId = Buffer.from(mps.id, "base64url").toString("utf8").split(":")[1]!;
    await eventually(async () => {
      const due = await a.gateway.services.store.jobs.dueForCheck(ALL_SHARDS, new Date(Date.now() + 86_400_000), 1000);
      return !due.some((job) => job.libraryId === mpsInternalId);
    }, 30_000);
  });

  it("cancels a QUEUED ICE job submitted on B through A, and B's subscriber sees it CANCELED", async () => {
    const paused = await fetch(`${a.emulator.url}/_emulator/queues/ice/pause`, { method: "POST" });
    expect(paused.status).toBe(200);
    try {
      const queued = await submit(b, { libraryId: ice.id, media: media("original.txt"), mode: "SAVE", primaryKey: "queued-1" });
      expect(queued.status).toBe("QUEUED");
      const canceled = await as(a, CANCEL, { id: queued.id });
      expect(canceled.errors).toBeUndefined();
      expect(canceled.data!.cancelFingerprintJob).toMatchObject({ id: queued.id, status: "CANCELED" });
      const event = await endOnB(queued.id);
      expect(event.status).toBe("CANCELED");
      expect((await as(b, GET_JOB, { id: queued.id })).data!.fingerprintJob!.status).toBe("CANCELED");
    } finally {
      await fetch(`${a.emulator.url}/_emulator/queues/ice/resume`, { method: "POST" });
    }
  });

  it("makes one backend job for one idempotencyKey sent to A and B at once", async () => {
    const input: SubmitFingerprintJobInput = {
      libraryId: ice.id,
      media: media("original.txt"),
      mode: "SAVE",
      primaryKey: "idem-1",
      idempotencyKey: "flow-two-idem-1",
    };
    const [onA, onBInstance] = await Promise.all([as(a, SUBMIT, { input }), as(b, SUBMIT, { input })]);
    expect(onA.errors).toBeUndefined();
    expect(onBInstance.errors).toBeUndefined();
    const answers = [onA, onBInstance].map((r) => r.data!.submitFingerprintJob);
    expect(answers[0]!.job.id).toBe(answers[1]!.job.id);
    expect(answers[0]!.job.backendJobId).toBe(answers[1]!.job.backendJobId);
    expect(answers.map((x) => x.replayed).sort()).toEqual([false, true]);
    jobIds.push(answers[0]!.job.id);
    expect((await endOnB(answers[0]!.job.id)).status).toBe("SUCCEEDED");
    expect((await backendJobs()).filter((job) => job.type === "fingerprint" && job.primaryKey === "idem-1")).toHaveLength(1);
  });

  it("delivered every job's end to B's subscriber exactly once, each recorded once, by one watcher per shard", async () => {
    expect(jobIds).toHaveLength(8);
    expect(new Set(jobIds).size).toBe(8);
    await onB.waitFor(jobIds.length, 30_000);
    // Anything late (a duplicate from the bus or a sweep, or a file-delete job's end) would arrive within this pause.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(onB.errors).toEqual([]);
    expect(onB.events.map((event) => event.job.id).sort()).toEqual([...jobIds].sort());
    expect(new Set(onB.events.map((event) => event.eventId)).size).toBe(onB.events.length);

    // The event log itself, replayed through A: one finished event per job, the same ones B got live.
    const client = connect(a.gateway.graphqlUrl, { Authorization: `Bearer ${KEY}` });
    clients.push(client);
    const replayed = subscribe(client, JOB_FINISHED, { after: "0" });
    await replayed.waitFor(jobIds.length, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    replayed.stop();
    expect(replayed.events.map((event) => event.eventId).sort()).toEqual(onB.events.map((event) => event.eventId).sort());

    // Shard leases: the two watchers hold disjoint shards that cover all of them, and an
    // instance that holds none never read a job from a backend.
    const [heldA, heldB] = [heldShards(a), heldShards(b)];
    expect(heldA.filter((shard) => heldB.includes(shard))).toEqual([]);
    expect([...heldA, ...heldB].sort((x, y) => x - y)).toEqual(ALL_SHARDS);
    const [readsA, readsB] = [await watcherReads(a), await watcherReads(b)];
    expect(readsA + readsB).toBeGreaterThan(0);
    if (heldA.length === 0) expect(readsA).toBe(0);
    if (heldB.length === 0) expect(readsB).toBe(0);
  });
});
