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
 * emulator, which runs in a process of its own (as a backend would: its work does not delay
 * the watcher's event loop), driven over HTTP by its control routes; the store is a scratch SQLite file
 * (BENCH_DATABASE_URL=postgresql://... for PostgreSQL). Watcher settings are the gateway's
 * defaults. Writes bench/results/jobs.json. Traffic only to 127.0.0.1; a watchdog ends the run.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pino from "pino";
import { createBackends, singleAccount, type Backend, type BackendSettings, type Backends } from "../src/backends/index.js";
import { ResultDocumentFetcher } from "../src/backends/result-document-fetcher.js";
import { loadConfig } from "../src/config.js";
import { isFinished } from "../src/domain/job.js";
import { spawn, type ChildProcess } from "node:child_process";
import OSS from "ali-oss";
import { DEFAULT_DEV_ACCOUNT } from "../src/emulator/index.js";
import { JobResultReader } from "../src/services/job-result-reader.js";
import { JobStatusRecorder } from "../src/services/job-status-recorder.js";
import { JobWatcher } from "../src/services/job-watcher.js";
import { ShardLeases } from "../src/services/shard-leases.js";
import { openStore } from "../src/store/index.js";
import { ROOT, freePort } from "./lib/gateway-child.js";
import { ossMedia, submitJobRow, type AccountLibrary } from "./lib/job-rows.js";
import { startListCallCounter } from "./lib/list-call-counter.js";
import { scratchDatabase } from "./lib/scratch-database.js";
import { Random } from "./lib/seeded-random.js";

const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);
const SUBMITTERS = Number(process.env.BENCH_SUBMITTERS ?? 16);
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
  const settings = config.jobWatcher;
  const load: { before: number[]; after?: number[] } = { before: loadavg().map((x) => Math.round(x * 100) / 100) };

  // Jobs wait in a paused queue until the bench finishes them: the Success moment is known to the millisecond.
  const emulator = await startEmulatorProcess();
  const counter = await startListCallCounter(emulator.port);
  const database = scratchDatabase("bench_jobs", process.env.BENCH_DATABASE_URL);
  const store = await openStore({ databaseUrl: database.url });
  const base: BackendSettings = {
    credentials: DEFAULT_DEV_ACCOUNT,
    endpoints: { ICE: counter.endpoint, MPS: counter.endpoint },
    protocol: "http",
    signatureAlgorithm: "v3",
    connectTimeoutMs: 2_000,
    // The machine may be busy: a slow answer is not what this bench measures.
    readTimeoutMs: 30_000,
    retry: { retries: 2, minDelayMs: 50, maxDelayMs: 500 },
  };
  // The watcher's backends keep the documented QPS limits; the bench's own submits skip them.
  const watcherBackends = createBackends(base);
  const submitBackends = withSubmitRetries(createBackends({ ...base, endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint }, qpsLimit: 5_000 }));

  let watcher: JobWatcher | undefined;
  try {
    const oss = new OSS({ accessKeyId: DEFAULT_DEV_ACCOUNT.accessKeyId, accessKeySecret: DEFAULT_DEV_ACCOUNT.accessKeySecret, endpoint: emulator.url, region: `oss-${REGION}`, secure: false, bucket: BUCKET } as OSS.Options);
    await oss.putBucket(BUCKET);
    await oss.put("stored.txt", Buffer.from(STORED));
    await oss.put("copy.txt", Buffer.from(`A different opening. ${STORED.slice(0, 250)}`));
    for (let i = 0; i < 20; i++) await oss.put(`other-${i}.txt`, Buffer.from(unrelated(i)));

    await emulator.control("queues/ice/pause");
    await emulator.control("queues/mps/pause");
    const libraries: AccountLibrary[] = [];
    for (const backend of ["ICE", "MPS"] as const) {
      const created = await submitBackends[backend].create(REGION, { name: `bench-${backend}`, model: "TEXT", description: null, config: null });
      await emulator.control(`libraries/${created.backendLibraryId}/activate`);
      const row = await store.libraries.insert({ tenantId: "bench", account: "default", backend, backendLibraryId: created.backendLibraryId, region: REGION, name: created.name, description: null, model: "TEXT", config: null, status: "ACTIVE", rawStatus: "active" });
      libraries.push({ ...row, account: "default" });
      // The stored item the copies match, stored before the watched jobs start.
      const saved = await submitBackends[backend].content.submitJob(REGION, { backendLibraryId: created.backendLibraryId, model: "TEXT", media: ossMedia(BUCKET, "stored.txt"), saveType: "onlysave", primaryKey: "stored", similarityThreshold: null, userData: null });
      await emulator.control(`content-jobs/${saved.backendJobId}/finish`);
    }

    const recorder = new JobStatusRecorder(store);
    const recordedAt = new Map<string, number>();
    recorder.onEvent((event) => {
      if (isFinished(event.status)) recordedAt.set(event.jobId, Date.now());
    });
    watcher = new JobWatcher(
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
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    // The gateway's loop (JobWatcher.start), written out to time each round.
    const rounds: Array<{ ms: number; checked: number; changed: number; calls: number; phases: Record<string, number> }> = [];
    let watching = true;
    const loop = (async () => {
      while (watching) {
        const t0 = Date.now();
        const report = await watcher!.runRound();
        rounds.push({ ms: Date.now() - t0, checked: report.checked, changed: report.changed, calls: report.backendCalls, phases: report.ms });
        if (process.env.BENCH_VERBOSE) log(`round ${JSON.stringify(rounds.at(-1))}`);
        await sleep(settings.tickMs);
      }
    })();
    const successAt = new Map<string, number>();
    const finishes: Array<Promise<void>> = [];
    let submitted = 0;
    const submittedAt = new Map<string, number>();
    let finishFailures = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        while (submitted < JOBS) {
          const i = submitted++;
          if (i > 0 && i % 100 === 0) log(`${i} submitted (${((Date.now() - started) / 1000).toFixed(1)} s; event loop delay max ${Math.round(loopDelay.max / 1e6)} ms)`);
          const library = libraries[i % 2]!;
          const object = i % 4 < 2 ? "copy.txt" : `other-${i % 20}.txt`;
          const submitStarted = Date.now();
          const job = await submitJobRow(store.jobs, submitBackends, library, { mode: "SEARCH", media: ossMedia(BUCKET, object) }, watcher!.schedule.nextCheckAt({ backend: library.backend, model: library.model, createdAt: new Date() }, new Date()));
          const took = Date.now() - submitStarted;
          if (took > 3_000) log(`slow submit: ${took} ms (job ${i})`);
          submittedAt.set(job.id, Date.now());
          const after = FINISH_MIN_MS + random.next() * (FINISH_MAX_MS - FINISH_MIN_MS);
          finishes.push(
            sleep(after).then(async () => {
              // The answer comes once the job is Success: the lag below is, if anything, short by the answer's transit.
              await emulator.control(`content-jobs/${job.backendJobId}/finish`);
              successAt.set(job.id, Date.now());
            }).catch((error) => {
              finishFailures += 1;
              if (finishFailures === 1) log(`could not finish a job: ${(error as Error).message} ${String((error as Error).cause ?? "")}`);
            }),
          );
        }
      }),
    );
    const submitSeconds = (Date.now() - started) / 1000;
    log(`submitted in ${submitSeconds.toFixed(1)} s; waiting for every finish to be recorded`);
    await Promise.all(finishes);
    while (recordedAt.size < successAt.size && Date.now() - started < 300_000) await sleep(100);
    watching = false;
    await loop;
    const wallSeconds = (Date.now() - started) / 1000;

    // Jobs in flight (submitted, not yet recorded as finished) at their peak.
    const edges = [...submittedAt].flatMap(([id, at]) => [[at, 1], [recordedAt.get(id) ?? Infinity, -1]] as Array<[number, number]>).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inFlight = 0;
    let peakInFlight = 0;
    for (const [, delta] of edges) peakInFlight = Math.max(peakInFlight, (inFlight += delta));
    const lags = [...successAt].map(([id, at]) => (recordedAt.get(id) ?? NaN) - at).filter(Number.isFinite).sort((a, b) => a - b);
    const stats = counter.stats();
    const calls = (stats.calls.QueryDNAJobList ?? 0) + (stats.calls.QueryFpShotJobList ?? 0);
    const refreshes = (stats.ids.QueryDNAJobList ?? 0) + (stats.ids.QueryFpShotJobList ?? 0);
    const rows = await Promise.all([...successAt.keys()].map((id) => store.jobs.findRow(id)));
    const byStatus: Record<string, number> = {};
    for (const row of rows) {
      const key = row ? (row.errorCode ? `${row.status} ${row.errorCode}` : row.status) : "missing";
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    const firstFailure = rows.find((row) => row?.status === "FAILED");
    if (firstFailure) log(`a failed job: ${firstFailure.errorCode}: ${firstFailure.errorMessage}`);
    const matched = rows.filter((row) => row?.matches.some((m) => m.primaryKey === "stored")).length;
    load.after = loadavg().map((x) => Math.round(x * 100) / 100);

    const result = {
      at: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadAverage: load },
      database: store.kind,
      jobs: JOBS,
      finishFailures,
      peakJobsInFlight: peakInFlight,
      watcher: settings,
      submitSeconds: Math.round(submitSeconds * 10) / 10,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      finishedByStatus: byStatus,
      searchesWithTheMatch: matched,
      backendCalls: { calls: stats.calls, ids: stats.ids, idsPerCallHistogram: stats.idsPerCallHistogram },
      refreshesPerJob: Math.round((refreshes / JOBS) * 100) / 100,
      callsPer1000Refreshes: Math.round((calls / refreshes) * 1000 * 10) / 10,
      rounds: {
        count: rounds.length,
        msP50: pct(rounds.map((r) => r.ms).sort((a, b) => a - b), 0.5),
        msP99: pct(rounds.map((r) => r.ms).sort((a, b) => a - b), 0.99),
        msMax: Math.max(...rounds.map((r) => r.ms)),
        checkedMax: Math.max(...rounds.map((r) => r.checked)),
      },
      finishedLagMs: { p50: pct(lags, 0.5), p90: pct(lags, 0.9), p99: pct(lags, 0.99), max: lags.at(-1), measured: lags.length },
      goals: { callsPer1000Refreshes: 100, lagP99WithinMs: settings.minIntervalMs },
    };
    console.log(JSON.stringify(result, null, 2));
    log(`backend calls per 1,000 refreshes: ${result.callsPer1000Refreshes} (goal 100); refreshes per job ${result.refreshesPerJob}`);
    log(`job-finished lag p50 ${result.finishedLagMs.p50} ms, p99 ${result.finishedLagMs.p99} ms (goal: p99 within ${settings.minIntervalMs} ms)`);
    log(`load average before ${load.before.join(" ")}, after ${load.after.join(" ")} on ${cpus().length} cores`);
    // One entry per database: the other's last run is kept.
    const file = join(ROOT, "bench", "results", "jobs.json");
    mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      // first run
    }
    writeFileSync(file, JSON.stringify({ ...previous, [store.kind]: result }, null, 2) + "\n");
    log(`wrote bench/results/jobs.json (${store.kind})`);
  } finally {
    await watcher?.stop();
    await store.close();
    await database.drop();
    await counter.close();
    await emulator.close();
  }
}

/**
 * The bench's own submits are retried when the connection fails (on a machine this busy a
 * reused connection is sometimes reset). A retried submit may leave an extra backend job
 * behind; no row points at it, so the watcher never reads it and it changes no figure.
 */
function withSubmitRetries(backends: Backends): Backends {
  const wrap = (backend: Backend): Backend => {
    const content = Object.create(backend.content) as Backend["content"];
    content.submitJob = async (region, request) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await backend.content.submitJob(region, request);
        } catch (error) {
          if (attempt >= 4 || (error as { code?: string }).code !== "BACKEND_UNAVAILABLE") throw error;
          log(`submit retried: ${(error as Error).message}`);
          await sleep(200 * attempt);
        }
      }
    };
    return Object.assign(Object.create(backend) as Backend, { content });
  };
  return { ICE: wrap(backends.ICE), MPS: wrap(backends.MPS) };
}

interface EmulatorProcess {
  url: string;
  endpoint: string;
  port: number;
  control(path: string): Promise<void>;
  close(): Promise<void>;
}

async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "dist", "src", "emulator", "main.js")], {
    env: {
      ...process.env,
      EMULATOR_PORT: String(port),
      // "requests" so that a job's internal error reaches the filter below; the lines themselves are dropped.
      EMULATOR_LOG: "requests",
      EMULATOR_ACTIVATION_DELAY_MS: "0",
      EMULATOR_ACTIVATION_JITTER_MS: "0",
      EMULATOR_JOB_QUEUE_DELAY_MS: "0",
      EMULATOR_JOB_SECONDS_PER_MEDIA_SECOND: "0",
      EMULATOR_QPS_LIMITS: "SubmitDNAJob=5000,SubmitFpShotJob=5000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[emulator] ${chunk}`));
  // Only a shutdown notice or an error is worth showing; the banner and request lines are not.
  child.stdout?.on("data", (chunk: Buffer) => {
    for (const line of String(chunk).split("\n")) if (/shutting down|Error/.test(line)) process.stderr.write(`[emulator] ${line}\n`);
  });
  child.once("exit", (code, signal) => log(`emulator process exited (code ${code}, signal ${signal})`));
  const url = `http://127.0.0.1:${port}`;
  const control = async (path: string) => {
    const answer = await fetch(`${url}/_emulator/${path}`, { method: "POST" });
    if (!answer.ok) throw new Error(`emulator ${path}: HTTP ${answer.status} ${await answer.text()}`);
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/_emulator/state`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error("the emulator did not start");
    await sleep(100);
  }
  return {
    url,
    endpoint: `127.0.0.1:${port}`,
    port,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
