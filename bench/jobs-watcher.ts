/**
 * `npm run bench:jobs`: the job watcher with BENCH_JOBS (1,000) fingerprint jobs in flight.
 * Measures
 *  - backend calls per 1,000 job refreshes (goal 100: ten ids a call), counted on the wire
 *    by a proxy in front of the emulator;
 *  - job-finished lag, p50/p99: from the moment the backend's job became Success (the bench
 *    finishes each job itself through the emulator's control API, at a random time 1 to 15 s
 *    after its submit, and notes when that returned) to the store transition (the JOB event
 *    the watcher recorded). Goal: p99 within one watcher interval (JOB_WATCHER_MIN_INTERVAL_MS).
 * Jobs are text SEARCH jobs on an ICE and an MPS library (half of them copies of a stored
 * text, so ICE's DNAResult documents are fetched and read), fingerprinted for real by the
 * emulator, which runs in this process; the store is a scratch SQLite file
 * (BENCH_DATABASE_URL=postgresql://... for PostgreSQL). Watcher settings are the gateway's
 * defaults. Writes bench/results/jobs.json. Traffic only to 127.0.0.1; a watchdog ends the run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createBackends, singleAccount, type BackendSettings } from "../src/backends/index.js";
import { ResultDocumentFetcher } from "../src/backends/result-document-fetcher.js";
import { loadConfig } from "../src/config.js";
import { isFinished } from "../src/domain/job.js";
import { DEFAULT_DEV_ACCOUNT, startEmulator } from "../src/emulator/index.js";
import { JobResultReader } from "../src/services/job-result-reader.js";
import { JobStatusRecorder } from "../src/services/job-status-recorder.js";
import { JobWatcher } from "../src/services/job-watcher.js";
import { ShardLeases } from "../src/services/shard-leases.js";
import { openStore } from "../src/store/index.js";
import { ROOT } from "./lib/gateway-child.js";
import { ossMedia, submitJobRow, type AccountLibrary } from "./lib/job-rows.js";
import { startListCallCounter } from "./lib/list-call-counter.js";
import { scratchDatabase } from "./lib/scratch-database.js";
import { Random } from "./lib/seeded-random.js";

const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);
const FINISH_MIN_MS = 1_000;
const FINISH_MAX_MS = 15_000;
const REGION = "cn-shanghai";
const BUCKET = "bench-jobs";
const random = new Random(Number(process.env.BENCH_SEED ?? 14));
const log = (line: string) => console.log(`[bench:jobs ${new Date().toISOString().slice(11, 19)}] ${line}`);
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const watchdog = setTimeout(() => {
  console.error("bench:jobs watchdog: no result after 10 minutes");
  process.exit(2);
}, 600_000);
watchdog.unref();

const STORED = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const WORDS = "harbour grain ledger winter signal copper river orchard lantern meadow engine quarry timber market bridge".split(" ");
const unrelated = (seed: number) => {
  const r = new Random(seed);
  return Array.from({ length: 80 }, () => r.pick(WORDS)).join(" ") + ".";
};

async function main() {
  const config = loadConfig({ ...process.env, DATABASE_URL: "file:/unused" });
  const settings = { ...config.jobWatcher, tickMs: config.watcher.tickMs };
  const load: { before: number[]; after?: number[] } = { before: loadavg().map((x) => Math.round(x * 100) / 100) };

  // Jobs wait in a paused queue until the bench finishes them: the Success moment is known to the millisecond.
  const emulator = await startEmulator({ jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0, qpsLimits: { SubmitDNAJob: 5_000, SubmitFpShotJob: 5_000 } });
  const counter = await startListCallCounter(emulator.port);
  const database = scratchDatabase("bench_jobs", process.env.BENCH_DATABASE_URL);
  const store = await openStore({ databaseUrl: database.url });
  const base: BackendSettings = {
    credentials: DEFAULT_DEV_ACCOUNT,
    endpoints: { ICE: counter.endpoint, MPS: counter.endpoint },
    protocol: "http",
    signatureAlgorithm: "v3",
    connectTimeoutMs: 2_000,
    readTimeoutMs: 10_000,
    retry: { retries: 2, minDelayMs: 50, maxDelayMs: 500 },
  };
  // The watcher's backends keep the documented QPS limits; the bench's own submits skip them.
  const watcherBackends = createBackends(base);
  const submitBackends = createBackends({ ...base, endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint }, qpsLimit: 5_000 });

  try {
    await emulator.oss.write(DEFAULT_DEV_ACCOUNT.accessKeyId, `oss-${REGION}`, BUCKET, "stored.txt", Buffer.from(STORED), "text/plain");
    await emulator.oss.write(DEFAULT_DEV_ACCOUNT.accessKeyId, `oss-${REGION}`, BUCKET, "copy.txt", Buffer.from(`A different opening. ${STORED.slice(0, 250)}`), "text/plain");
    for (let i = 0; i < 20; i++) await emulator.oss.write(DEFAULT_DEV_ACCOUNT.accessKeyId, `oss-${REGION}`, BUCKET, `other-${i}.txt`, Buffer.from(unrelated(i)), "text/plain");

    const libraries: AccountLibrary[] = [];
    for (const backend of ["ICE", "MPS"] as const) {
      const created = await submitBackends[backend].create(REGION, { name: `bench-${backend}`, model: "TEXT", description: null, config: null });
      emulator.control.activate(created.backendLibraryId);
      const row = await store.libraries.insert({ tenantId: "bench", account: "default", backend, backendLibraryId: created.backendLibraryId, region: REGION, name: created.name, description: null, model: "TEXT", config: null, status: "ACTIVE", rawStatus: "active" });
      libraries.push({ ...row, account: "default" });
      // The stored item the copies match, stored before the watched jobs start.
      const saved = await submitBackends[backend].content.submitJob(REGION, { backendLibraryId: created.backendLibraryId, model: "TEXT", media: ossMedia(BUCKET, "stored.txt"), saveType: "onlysave", primaryKey: "stored", similarityThreshold: null, userData: null });
      await emulator.control.finishContentJob(saved.backendJobId);
    }
    emulator.control.pauseQueue("ice");
    emulator.control.pauseQueue("mps");

    const recorder = new JobStatusRecorder(store);
    const recordedAt = new Map<string, number>();
    recorder.onEvent((event) => {
      if (isFinished(event.status)) recordedAt.set(event.jobId, Date.now());
    });
    const watcher = new JobWatcher(
      {
        jobs: store.jobs,
        accounts: singleAccount(watcherBackends),
        leases: new ShardLeases(store.leases, config.watcher.leaseTtlMs, pino({ level: "silent" })),
        recorder,
        results: new JobResultReader(new ResultDocumentFetcher({ allowedOrigins: [emulator.url] })),
      },
      settings,
      pino({ level: "warn" }),
    );

    log(`submitting ${JOBS} text SEARCH jobs (ICE and MPS), each finished by the backend ${FINISH_MIN_MS / 1000}-${FINISH_MAX_MS / 1000} s after its submit`);
    counter.reset();
    watcher.start();
    const successAt = new Map<string, number>();
    const finishes: Array<Promise<void>> = [];
    let submitted = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (submitted < JOBS) {
          const i = submitted++;
          const library = libraries[i % 2]!;
          const object = i % 4 < 2 ? "copy.txt" : `other-${i % 20}.txt`;
          const job = await submitJobRow(store.jobs, submitBackends, library, { mode: "SEARCH", media: ossMedia(BUCKET, object) }, watcher.schedule.nextCheckAt({ backend: library.backend, model: library.model, createdAt: new Date() }, new Date()));
          const after = FINISH_MIN_MS + random.next() * (FINISH_MAX_MS - FINISH_MIN_MS);
          finishes.push(
            sleep(after).then(async () => {
              await emulator.control.finishContentJob(job.backendJobId!);
              successAt.set(job.id, Date.now());
            }),
          );
        }
      }),
    );
    const submitSeconds = (Date.now() - started) / 1000;
    log(`submitted in ${submitSeconds.toFixed(1)} s; waiting for every job to be recorded`);
    await Promise.all(finishes);
    while (recordedAt.size < JOBS && Date.now() - started < 300_000) await sleep(100);
    await watcher.stop();
    const wallSeconds = (Date.now() - started) / 1000;

    const lags = [...successAt].map(([id, at]) => (recordedAt.get(id) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
    const stats = counter.stats();
    const calls = (stats.calls.QueryDNAJobList ?? 0) + (stats.calls.QueryFpShotJobList ?? 0);
    const refreshes = (stats.ids.QueryDNAJobList ?? 0) + (stats.ids.QueryFpShotJobList ?? 0);
    const rows = await Promise.all([...successAt.keys()].map((id) => store.jobs.findRow(id)));
    const byStatus: Record<string, number> = {};
    for (const row of rows) byStatus[row?.status ?? "missing"] = (byStatus[row?.status ?? "missing"] ?? 0) + 1;
    const matched = rows.filter((row) => row?.matches.some((m) => m.primaryKey === "stored")).length;
    load.after = loadavg().map((x) => Math.round(x * 100) / 100);

    const result = {
      at: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadAverage: load },
      database: store.kind,
      jobs: JOBS,
      watcher: settings,
      submitSeconds: Math.round(submitSeconds * 10) / 10,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      finishedByStatus: byStatus,
      searchesWithTheMatch: matched,
      backendCalls: { calls: stats.calls, ids: stats.ids, idsPerCallHistogram: stats.idsPerCallHistogram },
      refreshesPerJob: Math.round((refreshes / JOBS) * 100) / 100,
      callsPer1000Refreshes: Math.round((calls / refreshes) * 1000 * 10) / 10,
      finishedLagMs: { p50: pct(lags, 0.5), p90: pct(lags, 0.9), p99: pct(lags, 0.99), max: lags.at(-1), measured: lags.length },
      goals: { callsPer1000Refreshes: 100, lagP99WithinMs: settings.minIntervalMs },
    };
    console.log(JSON.stringify(result, null, 2));
    log(`backend calls per 1,000 refreshes: ${result.callsPer1000Refreshes} (goal 100); refreshes per job ${result.refreshesPerJob}`);
    log(`job-finished lag p50 ${result.finishedLagMs.p50} ms, p99 ${result.finishedLagMs.p99} ms (goal: p99 within ${settings.minIntervalMs} ms)`);
    log(`load average before ${load.before.join(" ")}, after ${load.after.join(" ")} on ${cpus().length} cores`);
    mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
    writeFileSync(join(ROOT, "bench", "results", "jobs.json"), JSON.stringify(result, null, 2) + "\n");
    log("wrote bench/results/jobs.json");
  } finally {
    await store.close();
    await database.drop();
    await counter.close();
    await emulator.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
