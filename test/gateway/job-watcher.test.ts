/**
 * The job watcher (src/services/job-watcher.ts) against the emulator over HTTP, with real
 * fingerprints, on SQLite and PostgreSQL: jobs are submitted over the wire and recorded as
 * the submit service does (bench/lib/job-rows.ts), then followed to their end by watcher
 * rounds. A counting proxy in front of the emulator sees every Query call and its ids.
 */
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBackends, singleAccount, type Backends } from "../../src/backends/index.js";
import { ResultDocumentFetcher } from "../../src/backends/result-document-fetcher.js";
import type { FingerprintJob } from "../../src/domain/job.js";
import type { FingerprintBackend } from "../../src/domain/model.js";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { GatewayMetrics } from "../../src/server/metrics.js";
import { JobResultReader } from "../../src/services/job-result-reader.js";
import { JobStatusRecorder } from "../../src/services/job-status-recorder.js";
import { JobWatcher, type JobWatcherSettings } from "../../src/services/job-watcher.js";
import { ShardLeases } from "../../src/services/shard-leases.js";
import { openStore } from "../../src/store/index.js";
import type { JobEvent } from "../../src/store/job-ports.js";
import type { Store } from "../../src/store/ports.js";
import { startListCallCounter, type ListCallCounter } from "../../bench/lib/list-call-counter.js";
import { ossMedia, submitFileDeleteRow, submitJobRow, type AccountLibrary } from "../../bench/lib/job-rows.js";
import { putMedia, startContentEmulator } from "../emulator/content-helpers.js";
import { ALICE } from "../emulator/helpers.js";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";

const REGION = "cn-shanghai";
const BUCKET = "watcher-media";
const ORIGINAL = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const COPY = `An unrelated opening line about the weather. ${ORIGINAL.slice(0, 200)}`;
const UNRELATED = "Quarterly revenue grew in every region except the north, where a late harvest delayed shipments of grain to the coast. ".repeat(3);
const log = pino({ level: "silent" });

const SETTINGS: JobWatcherSettings = {
  tickMs: 50,
  minIntervalMs: 20,
  maxIntervalMs: 200,
  batchSize: 1_000,
  expectedDurationMs: 0,
  resultAttempts: 3,
  missingGraceMs: 0,
  stuckAfterMs: 3_600_000,
};

let emulator: RunningEmulator;
let counter: ListCallCounter;
let backends: Backends;

beforeAll(async () => {
  // Each suite makes a few libraries per database kind: more than the default quota.
  emulator = await startContentEmulator({ libraryQuota: 100 });
  counter = await startListCallCounter(Number(emulator.endpoint.split(":")[1]));
  backends = createBackends({
    credentials: ALICE,
    // Through the counter: it sees each Query call and how many ids it carried.
    endpoints: { ICE: counter.endpoint, MPS: counter.endpoint },
    protocol: "http",
    signatureAlgorithm: "v3",
    connectTimeoutMs: 2_000,
    readTimeoutMs: 10_000,
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 1 },
  });
  await putMedia(emulator, BUCKET, "texts/original.txt", ORIGINAL);
  await putMedia(emulator, BUCKET, "texts/copy.txt", COPY);
  await putMedia(emulator, BUCKET, "texts/unrelated.txt", UNRELATED);
}, 60_000);
afterAll(async () => {
  await counter?.close();
  await emulator?.close();
});

const control = async (path: string, body?: unknown) => {
  const answer = await fetch(`${emulator.url}/_emulator/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!answer.ok) throw new Error(`${path}: HTTP ${answer.status} ${await answer.text()}`);
};

announcePostgresqlCoverage("job watcher");

describe.each(databaseKinds)("job watcher on $name", (kind) => {
  let database: TestDatabase;
  let store: Store;
  let recorder: JobStatusRecorder;
  let events: JobEvent[];
  let metrics: GatewayMetrics;
  // One instance's leases for every watcher of the suite (as in the gateway): a new holder would wait for the old one's to expire.
  let leases: ShardLeases;
  const watchers: JobWatcher[] = [];

  beforeAll(async () => {
    database = await kind.fresh();
    store = await openStore({ databaseUrl: database.url });
    recorder = new JobStatusRecorder(store);
    events = [];
    recorder.onEvent((event) => events.push(event));
    metrics = new GatewayMetrics(store);
    metrics.watchJobs(store.jobs);
    leases = new ShardLeases(store.leases, 15_000, log);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
    await control("queues/ice/resume");
    await control("queues/mps/resume");
  });
  afterAll(async () => {
    await leases?.release();
    await store?.close();
    await database?.drop();
  });

  function watcher(settings: Partial<JobWatcherSettings> = {}, allowedOrigins = [emulator.url]): JobWatcher {
    const created = new JobWatcher(
      {
        jobs: store.jobs,
        accounts: singleAccount(backends),
        leases,
        recorder,
        results: new JobResultReader(new ResultDocumentFetcher({ allowedOrigins })),
        observer: metrics.jobWatcher,
      },
      { ...SETTINGS, ...settings },
      log,
    );
    watchers.push(created);
    return created;
  }

  async function library(backend: FingerprintBackend): Promise<AccountLibrary> {
    const created = await backends[backend].create(REGION, { name: `texts-${backend}`, model: "TEXT", description: null, config: null });
    emulator.control.activate(created.backendLibraryId);
    const row = await store.libraries.insert({
      tenantId: "tenant-a",
      account: "default",
      backend,
      backendLibraryId: created.backendLibraryId,
      region: REGION,
      name: created.name,
      description: null,
      model: "TEXT",
      config: null,
      status: "ACTIVE",
      rawStatus: "active",
    });
    return { ...row, account: "default" };
  }

  /** Watcher rounds until every job is finished (bounded: a job that never ends fails the test). */
  async function followToEnd(w: JobWatcher, jobs: FingerprintJob[]): Promise<FingerprintJob[]> {
    for (let round = 0; round < 300; round++) {
      const rows = await Promise.all(jobs.map((job) => store.jobs.findRow(job.id)));
      if (rows.every((row) => row && ["SUCCEEDED", "FAILED", "CANCELED"].includes(row.status))) return rows as FingerprintJob[];
      await w.runRound(new Date(Date.now() + 1_000));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("jobs did not finish");
  }

  describe.each(["ICE", "MPS"] as const)("%s", (backend) => {
    let lib: AccountLibrary;
    beforeAll(async () => {
      lib = await library(backend);
    });

    it("saves media, then a search of its copy ends SUCCEEDED with the match, and an unrelated search finds nothing", async () => {
      const w = watcher();
      const [saved] = await followToEnd(w, [await submitJobRow(store.jobs, backends, lib, { mode: "SAVE", media: ossMedia(BUCKET, "texts/original.txt"), primaryKey: "doc-1" })]);
      expect(saved).toMatchObject({ status: "SUCCEEDED", rawStatus: "Success", errorCode: null, matches: [] });
      expect(saved!.finishedAt).toBeInstanceOf(Date);

      const [copy, unrelated] = await followToEnd(w, [
        await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") }),
        await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/unrelated.txt") }),
      ]);
      expect(copy!.status).toBe("SUCCEEDED");
      expect(copy!.matches.map((m) => m.primaryKey)).toEqual(["doc-1"]);
      expect(copy!.matches[0]!.similarity).toBeGreaterThanOrEqual(0.8);
      expect(copy!.matches[0]!.segments.length).toBeGreaterThan(0);
      expect(unrelated).toMatchObject({ status: "SUCCEEDED", matches: [] });

      // One finishing event per job, written with the row.
      for (const job of [saved!, copy!, unrelated!]) {
        const finishing = events.filter((e) => e.jobId === job.id && e.status === job.status);
        expect(finishing).toHaveLength(1);
        expect(finishing[0]!.job.matches).toEqual(job.matches);
      }
    });

    it("ends a job whose media cannot be read FAILED with the backend's code", async () => {
      const [job] = await followToEnd(watcher(), [await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/missing.txt") })]);
      expect(job).toMatchObject({ status: "FAILED", rawStatus: "Fail", errorCode: "InvalidParameter.ResourceNotFound" });
      expect(job!.errorMessage).toContain("missing.txt");
    });

    it("keeps the code of a job the backend failed (control route)", async () => {
      await control(`queues/${backend.toLowerCase()}/pause`);
      const job = await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") });
      await control(`content-jobs/${job.backendJobId}/fail`, { code: "ServiceUnavailable", message: "The request has failed due to a temporary failure of the server." });
      const [failed] = await followToEnd(watcher(), [job]);
      expect(failed).toMatchObject({ status: "FAILED", errorCode: "ServiceUnavailable", errorMessage: "The request has failed due to a temporary failure of the server." });
    });

    it("reconciles a job the backend does not know: FAILED with JOB_NOT_FOUND_ON_BACKEND", async () => {
      const job = await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") });
      // The same row pointed at a job id the backend never issued (a library deleted in the console drops its jobs alike).
      const claim = await store.jobs.claim({ tenantId: lib.tenantId, library: lib, kind: "FINGERPRINT", mode: "SEARCH", primaryKey: "ghost", media: job.media, similarityThreshold: 0.8, userData: null, searchId: null, idempotencyKey: null, inputHash: "ghost" });
      const ghost = await store.jobs.markSubmitted(claim.job.id, "ffffffffffffffffffffffffffffffff", new Date());
      // Within the grace a missing job is only read again.
      await watcher({ missingGraceMs: 3_600_000 }).runRound(new Date(Date.now() + 1_000));
      expect((await store.jobs.findRow(ghost.id))!.status).toBe("QUEUED");
      const [reconciled, real] = await followToEnd(watcher(), [ghost, job]);
      expect(reconciled).toMatchObject({ status: "FAILED", errorCode: "JOB_NOT_FOUND_ON_BACKEND" });
      expect(real!.status).toBe("SUCCEEDED");
    });

    it("fails a job stuck past the bound with JOB_STUCK", async () => {
      await control(`queues/${backend.toLowerCase()}/pause`);
      const job = await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") });
      const w = watcher({ stuckAfterMs: 60_000 });
      await w.runRound(new Date(Date.now() + 1_000));
      expect((await store.jobs.findRow(job.id))!.status).toBe("QUEUED");
      await w.runRound(new Date(Date.now() + 120_000));
      expect(await store.jobs.findRow(job.id)).toMatchObject({ status: "FAILED", errorCode: "JOB_STUCK", rawStatus: "Queuing" });
    });
  });

  it("maps ICE's cancel (Fail with JobCancelled) to CANCELED", async () => {
    const lib = await library("ICE");
    await control("queues/ice/pause");
    const job = await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") });
    await backends.ICE.content.cancelJob(REGION, job.backendJobId!);
    const [canceled] = await followToEnd(watcher(), [job]);
    expect(canceled).toMatchObject({ status: "CANCELED", rawStatus: "Fail", errorCode: "JobCancelled" });
  });

  it("refuses an ICE result URL that is neither OSS nor the configured emulator: FAILED with RESULT_URL_REFUSED, unsent", async () => {
    const lib = await library("ICE");
    const job = await submitJobRow(store.jobs, backends, lib, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/copy.txt") });
    const [refused] = await followToEnd(watcher({}, []), [job]);
    expect(refused).toMatchObject({ status: "FAILED", rawStatus: "Success", errorCode: "RESULT_URL_REFUSED" });
  });

  it("follows an MPS file-delete job to its end", async () => {
    const lib = await library("MPS");
    const [saved] = await followToEnd(watcher(), [await submitJobRow(store.jobs, backends, lib, { mode: "SAVE", media: ossMedia(BUCKET, "texts/original.txt"), primaryKey: "to-delete" })]);
    expect(saved!.status).toBe("SUCCEEDED");
    const deletion = await submitFileDeleteRow(store.jobs, backends, lib, ["to-delete"]);
    const [done] = await followToEnd(watcher(), [deletion]);
    expect(done).toMatchObject({ kind: "DELETE_FILES", status: "SUCCEEDED", rawStatus: "Success" });
    expect((await backends.MPS.content.listFiles(REGION, lib.backendLibraryId, 10, null)).files).toEqual([]);
  });

  it("reads due jobs ten ids a call, per backend, and counts the calls in metrics", async () => {
    const ice = await library("ICE");
    const mps = await library("MPS");
    await control("queues/ice/pause");
    await control("queues/mps/pause");
    const jobs = [
      ...(await Promise.all(Array.from({ length: 25 }, () => submitJobRow(store.jobs, backends, ice, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/unrelated.txt") })))),
      ...(await Promise.all(Array.from({ length: 3 }, () => submitJobRow(store.jobs, backends, mps, { mode: "SEARCH", media: ossMedia(BUCKET, "texts/unrelated.txt") })))),
    ];
    for (const job of jobs) await control(`content-jobs/${job.backendJobId}/finish`);
    counter.reset();
    const report = await watcher().runRound(new Date(Date.now() + 1_000));
    const stats = counter.stats();
    expect(stats.calls).toEqual({ QueryDNAJobList: 3, QueryFpShotJobList: 1 });
    expect(stats.ids).toEqual({ QueryDNAJobList: 25, QueryFpShotJobList: 3 });
    expect(Math.max(...Object.keys(stats.idsPerCallHistogram).map(Number))).toBe(10);
    expect(report).toMatchObject({ checked: 28, changed: 28, backendCalls: 4 });
    const rows = await Promise.all(jobs.map((job) => store.jobs.findRow(job.id)));
    expect(rows.every((row) => row!.status === "SUCCEEDED")).toBe(true);

    const scrape = await metrics.registry.metrics();
    expect(scrape).toMatch(/gateway_job_watcher_backend_calls_total\{backend="ICE",action="queryJobs",outcome="ok"\} \d+/);
    expect(scrape).toMatch(/gateway_job_duration_seconds_count\{backend="ICE",status="SUCCEEDED"\} \d+/);
    expect(scrape).toMatch(/gateway_jobs\{backend="MPS",status="SUCCEEDED"\} \d+/);
  });
});
