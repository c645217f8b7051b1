/**
 * `npm run bench:jobs`: the gateway's job watcher with BENCH_JOBS (1,000) fingerprint jobs in
 * flight, measured end to end, from the backend's Success to a subscriber.
 *
 * Pieces, each a process of its own (as in a deployment: the backend's work and the
 * subscriber's do not share the gateway's event loop):
 *  - the emulator (dist/src/emulator/main.js), its job queues paused, so a job stays Queuing
 *    until the bench finishes it with POST /_emulator/content-jobs/<backendJobId>/finish;
 *  - the real gateway (dist/src/main.js) with its watchers on and every JOB_WATCHER_* /
 *    JOB_* setting at its default (printed; none is set), ICE_ENDPOINT and MPS_ENDPOINT on a
 *    proxy in front of the emulator that counts QueryDNAJobList / QueryFpShotJobList calls and
 *    the ids each asks for (bench/lib/list-call-counter.ts). The proxy also puts its own origin
 *    into the DNAResult URLs it passes on: the gateway fetches ICE's result documents only from
 *    its ICE_ENDPOINT / MPS_ENDPOINT origin (src/server/result-origins.ts has no other setting);
 *  - this process: the GraphQL client, the one graphql-ws subscriber and the proxy.
 *
 * Setup, through GraphQL: an ICE and an MPS TEXT library (activated on the emulator, refreshed
 * until ACTIVE), and one SAVE job per library storing the text the copies match ("stored"),
 * finished at once. The setup gateway is then stopped and a fresh one started on the same
 * database: the watcher learns job durations from the jobs that finish (job-check-schedule.ts),
 * and the two setup jobs, finished the moment they were submitted, would have taught it a
 * duration of a few milliseconds that no timed job has. The timed gateway starts, like a new
 * instance, from JOB_EXPECTED_DURATION_MS.
 *
 * Timed part (a job's finish is timed from the last submit's answer by default, so every job is
 * in flight at once; BENCH_FINISH_FROM=submit times it from its own submit: see FINISH_FROM):
 * ONE fingerprintJobFinished subscription (no filter) over graphql-ws, opened before the
 * submits, stamps each message with Date.now() on arrival. BENCH_SUBMITTERS (16) clients submit BENCH_JOBS text SEARCH jobs through submitFingerprintJob (each with an
 * idempotencyKey; ICE and MPS alternately; half are copies of the stored text, so matches are
 * found and ICE's DNAResult documents fetched, half unrelated). The bench finishes each job on
 * the emulator at a seeded random 1 to 15 s after that start and notes successAt, the
 * moment that control call returned (the job is Success by then, so the lags below are, if
 * anything, short by the answer's transit). Measured:
 *  - lag to the subscriber: message arrival - successAt, p50/p90/p99/max (goal: p99 within one
 *    watcher interval, JOB_WATCHER_MIN_INTERVAL_MS); lag to the store: the event's occurredAt
 *    (the gateway's clock; same machine) - successAt;
 *  - exactly once: every finished job's event arrives once (jobs heard 0 times or more than once
 *    are listed; both must be none);
 *  - backend calls per 1,000 job refreshes (goal 100: ten ids a call), counted on the wire
 *    while the timed jobs are in flight, with the ids-per-call histogram, and the gateway's own
 *    gateway_job_watcher_* counters beside them;
 *  - finished jobs by status, searches whose matches hold the stored key, peak jobs in flight
 *    (submit answered to event heard), the gateway's CPU seconds and RSS, this process's event
 *    loop delay (the stamps' own error), the machine's load average before and after.
 * The store is a scratch SQLite file (BENCH_DATABASE_URL=postgresql://... for a scratch schema
 * on PostgreSQL). Writes bench/results/jobs.json, one entry per database (the other kept).
 * Traffic only to 127.0.0.1; a watchdog ends the run after 10 minutes.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { spawn, type ChildProcess } from "node:child_process";
import OSS from "ali-oss";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { loadConfig } from "../src/config.js";
import { DEFAULT_DEV_ACCOUNT } from "../src/emulator/index.js";
import { ROOT, cpuSeconds, freePort, graphql, rssKb, scrapeMetrics, startGatewayChild, sumSamples, type GatewayChild } from "./lib/gateway-child.js";
import { startListCallCounter, type ListCallCounter } from "./lib/list-call-counter.js";
import { scratchDatabase, type ScratchDatabase } from "./lib/scratch-database.js";
import { Random } from "./lib/seeded-random.js";

const JOBS = Number(process.env.BENCH_JOBS ?? 1_000);
const SUBMITTERS = Number(process.env.BENCH_SUBMITTERS ?? 16);
const FINISH_MIN_MS = 1_000;
const FINISH_MAX_MS = 15_000;
/**
 * When a job's 1-15 s start: "all" (the default) after the last submit answered, so all
 * BENCH_JOBS are in flight at once, as the goal says; "submit" after the job's own submit, so
 * finishes overlap the submit burst (at ~120 submits/s the gateway's CPU is saturated then,
 * and fewer than BENCH_JOBS are ever in flight).
 */
const FINISH_FROM = process.env.BENCH_FINISH_FROM === "submit" ? "submit" : "all";
/** How long after the last finish every event must have arrived. */
const EVENTS_TIMEOUT_MS = 120_000;
const REGION = "cn-shanghai";
const BUCKET = "bench-jobs";
const STORED_KEY = "stored";
const random = new Random(Number(process.env.BENCH_SEED ?? 14));
const runId = randomBytes(4).toString("hex");
const log = (line: string) => console.log(`[bench:jobs ${new Date().toISOString().slice(11, 19)}] ${line}`);
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const r1 = (x: number) => Math.round(x * 10) / 10;
const loadAverage = () => loadavg().map((x) => Math.round(x * 100) / 100);

const STORED = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
const WORDS = "harbour grain ledger winter signal copper river orchard lantern meadow engine quarry timber market bridge".split(" ");
const unrelated = (seed: number) => {
  const r = new Random(seed);
  return Array.from({ length: 80 }, () => r.pick(WORDS)).join(" ") + ".";
};

const CREATE = `mutation BenchJobsCreate($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backend backendLibraryId status } } }`;
const REFRESH = `mutation BenchJobsRefresh($id: ID!) { refreshFingerprintLibrary(id: $id) { id status } }`;
const SUBMIT = `mutation BenchJobsSubmit($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { replayed job { id backendJobId status } } }`;
const JOB = `query BenchJobsJob($id: ID!) { fingerprintJob(id: $id) { id status errorCode errorMessage } }`;
const FINISHED = `subscription BenchJobsFinished { fingerprintJobFinished { eventId occurredAt status job { id backendJobId errorCode matches { primaryKey } } } }`;

interface Library {
  id: string;
  backend: "ICE" | "MPS";
  backendLibraryId: string;
}

interface FinishedEvent {
  receivedAt: number;
  eventId: string;
  occurredAt: number;
  status: string;
  jobId: string;
  backendJobId: string;
  errorCode: string | null;
  matchKeys: string[];
}

interface TimedJob {
  index: number;
  id: string;
  backendJobId: string;
  backend: "ICE" | "MPS";
  copy: boolean;
  submittedAt: number;
  successAt?: number;
}

// Everything the watchdog (or an interrupt) must not leave behind.
const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  // Newest first: the gateway before the database it uses, the emulator last.
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error(`bench:jobs cleanup: ${(error as Error).message}`);
    }
  }
}
function abort(message: string, code: number): void {
  console.error(message);
  setTimeout(() => process.exit(code), 15_000).unref();
  void cleanUp().finally(() => process.exit(code));
}
setTimeout(() => abort("bench:jobs watchdog: no result after 10 minutes", 2), 600_000).unref();
process.once("SIGINT", () => abort("bench:jobs interrupted", 130));

async function main() {
  const load: { before: number[]; after?: number[] } = { before: loadAverage() };

  // Jobs wait in a paused queue until the bench finishes them: the Success moment is known to the millisecond.
  const emulator = await startEmulatorProcess();
  cleanups.push(() => emulator.close());
  const counter: ListCallCounter = await startListCallCounter(emulator.port, { rewriteOrigin: true });
  cleanups.push(() => counter.close());
  const database: ScratchDatabase = scratchDatabase("bench_jobs", process.env.BENCH_DATABASE_URL);
  cleanups.push(() => database.drop());

  const env: Record<string, string> = {
    LOG_LEVEL: "warn",
    ALLOW_UNAUTHENTICATED: "true",
    DATABASE_URL: database.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: counter.endpoint,
    MPS_ENDPOINT: counter.endpoint,
    BACKEND_PROTOCOL: "http",
    RATE_LIMIT_REQUESTS: "0",
    RECONCILE_AT_STARTUP: "false",
    // WATCHER_ENABLED and every JOB_WATCHER_* / JOB_* setting: the defaults.
  };
  // The child gets this env and nothing else (gateway-child.ts), so these are its settings.
  const config = loadConfig(env);
  const settings = config.jobWatcher;
  log(`database ${database.kind}; job watcher at the gateway's defaults: ${JSON.stringify(settings)} (watchers ${config.watcher.enabled ? "on" : "off"})`);

  const gateways = new Set<GatewayChild>();
  cleanups.push(async () => {
    for (const gateway of gateways) await gateway.stop(5_000);
  });
  const launch = async () => {
    const gateway = await startGatewayChild(env);
    gateways.add(gateway);
    return gateway;
  };

  // ---------------------------------------------------------------- setup
  const oss = new OSS({ accessKeyId: DEFAULT_DEV_ACCOUNT.accessKeyId, accessKeySecret: DEFAULT_DEV_ACCOUNT.accessKeySecret, endpoint: emulator.url, region: `oss-${REGION}`, secure: false, bucket: BUCKET } as OSS.Options);
  await oss.putBucket(BUCKET);
  await oss.put("stored.txt", Buffer.from(STORED));
  await oss.put("copy.txt", Buffer.from(`A different opening. ${STORED.slice(0, 250)}`));
  for (let i = 0; i < 20; i++) await oss.put(`other-${i}.txt`, Buffer.from(unrelated(i)));
  await emulator.control("queues/ice/pause");
  await emulator.control("queues/mps/pause");

  const setupGateway = await launch();
  const libraries: Library[] = [];
  for (const backend of ["ICE", "MPS"] as const) {
    const input = { name: `bench-jobs-${backend.toLowerCase()}-${runId}`, model: "TEXT", backend, region: REGION, idempotencyKey: `bench-jobs-${runId}-${backend}` };
    const library = (await graphql(setupGateway.graphqlUrl, CREATE, { input })).createFingerprintLibrary.library as Library;
    await emulator.control(`libraries/${library.backendLibraryId}/activate`);
    for (let attempt = 1; ; attempt++) {
      const status = (await graphql(setupGateway.graphqlUrl, REFRESH, { id: library.id })).refreshFingerprintLibrary.status as string;
      if (status === "ACTIVE") break;
      if (attempt >= 50) throw new Error(`the ${backend} library ${library.id} is still ${status} after ${attempt} refreshes`);
      await sleep(200);
    }
    libraries.push({ id: library.id, backend, backendLibraryId: library.backendLibraryId });
    // The stored item the copies match.
    const saved = (
      await graphql(setupGateway.graphqlUrl, SUBMIT, {
        input: { libraryId: library.id, mode: "SAVE", primaryKey: STORED_KEY, media: { oss: { bucket: BUCKET, object: "stored.txt" } }, idempotencyKey: `bench-jobs-${runId}-${backend}-stored` },
      })
    ).submitFingerprintJob.job as { id: string; backendJobId: string };
    await emulator.control(`content-jobs/${saved.backendJobId}/finish`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = (await graphql(setupGateway.graphqlUrl, JOB, { id: saved.id })).fingerprintJob as { status: string; errorCode: string | null; errorMessage: string | null };
      if (job.status === "SUCCEEDED") break;
      if (job.status === "FAILED" || job.status === "CANCELED") throw new Error(`the ${backend} stored item's SAVE job ended ${job.status}: ${job.errorCode}: ${job.errorMessage}`);
      if (Date.now() > deadline) throw new Error(`the ${backend} stored item's SAVE job is still ${job.status} after 60 s`);
      await sleep(200);
    }
    log(`${backend} TEXT library ${library.backendLibraryId} ACTIVE, "${STORED_KEY}" stored`);
  }
  // A fresh gateway for the timed part: see the header (learned durations).
  gateways.delete(setupGateway);
  await setupGateway.stop();
  const gateway = await launch();
  log(`gateway pid ${gateway.pid} at ${gateway.url}; emulator ${emulator.url}; call counter ${counter.endpoint}`);

  // ---------------------------------------------------------------- the subscriber
  const events: FinishedEvent[] = [];
  const subscriberProblems: string[] = [];
  let connected!: () => void;
  const isConnected = new Promise<void>((resolve) => (connected = resolve));
  const client: Client = createClient({
    url: gateway.graphqlUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: (error) => subscriberProblems.push(`socket: ${describe(error)}`),
    on: {
      connected: () => connected(),
      closed: (event) => subscriberProblems.push(`socket closed: ${describe(event)}`),
    },
  });
  cleanups.push(async () => client.dispose());
  await Promise.race([isConnected, sleep(15_000).then(() => Promise.reject(new Error(`the subscriber's socket did not connect in 15 s: ${subscriberProblems.join("; ")}`)))]);
  client.subscribe<any>(
    { query: FINISHED },
    {
      next: (result) => {
        const receivedAt = Date.now();
        const event = result.data?.fingerprintJobFinished;
        if (result.errors?.length) subscriberProblems.push(`errors: ${JSON.stringify(result.errors).slice(0, 300)}`);
        if (!event) return;
        events.push({
          receivedAt,
          eventId: event.eventId,
          occurredAt: Date.parse(event.occurredAt),
          status: event.status,
          jobId: event.job.id,
          backendJobId: event.job.backendJobId,
          errorCode: event.job.errorCode ?? null,
          matchKeys: (event.job.matches as Array<{ primaryKey: string }>).map((m) => m.primaryKey),
        });
      },
      error: (error) => subscriberProblems.push(`subscription error: ${describe(error)}`),
      complete: () => subscriberProblems.push("the subscription completed"),
    },
  );
  // graphql-ws has no "subscribed" answer; the first timed job finishes 1 s after its submit at the earliest.
  await sleep(500);
  if (subscriberProblems.length) throw new Error(`the subscriber failed: ${subscriberProblems.join("; ")}`);

  // ---------------------------------------------------------------- the timed jobs
  log(`submitting ${JOBS} text SEARCH jobs (ICE and MPS alternately, ${SUBMITTERS} at a time), each finished by the backend ${FINISH_MIN_MS / 1000}-${FINISH_MAX_MS / 1000} s after ${FINISH_FROM === "all" ? "the last submit" : "its submit"}`);
  // Drawn per job index up front, so a seed gives every job the same delay whatever order the submits answer in.
  const finishAfterMs = Array.from({ length: JOBS }, () => FINISH_MIN_MS + random.next() * (FINISH_MAX_MS - FINISH_MIN_MS));
  counter.reset();
  const metricsBefore = await scrapeMetrics(gateway.url);
  const cpuBefore = cpuSeconds(gateway.pid);
  let rssPeakKb = rssKb(gateway.pid);
  const rssTimer = setInterval(() => {
    try {
      rssPeakKb = Math.max(rssPeakKb, rssKb(gateway.pid));
    } catch {
      // the child is gone; the run fails elsewhere
    }
  }, 1_000);
  cleanups.push(async () => clearInterval(rssTimer));
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const jobs: TimedJob[] = [];
  const finishes: Array<Promise<void>> = [];
  let next = 0;
  let submitRetries = 0;
  let finishFailures = 0;
  const finishLater = (job: TimedJob) =>
    sleep(finishAfterMs[job.index]!)
      .then(async () => {
        await emulator.control(`content-jobs/${job.backendJobId}/finish`);
        job.successAt = Date.now();
      })
      .catch((error) => {
        finishFailures += 1;
        if (finishFailures === 1) log(`could not finish a job: ${(error as Error).message} ${String((error as Error).cause ?? "")}`);
      });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: SUBMITTERS }, async () => {
      while (next < JOBS) {
        const index = next++;
        if (index > 0 && index % 100 === 0) log(`${index} submitted (${((Date.now() - started) / 1000).toFixed(1)} s; ${events.length} finished events heard)`);
        const library = libraries[index % 2]!;
        const copy = index % 4 < 2;
        const input = { libraryId: library.id, mode: "SEARCH", media: { oss: { bucket: BUCKET, object: copy ? "copy.txt" : `other-${index % 20}.txt` } }, idempotencyKey: `bench-jobs-${runId}-${index}` };
        const submitStarted = Date.now();
        let answer: { id: string; backendJobId: string } | undefined;
        for (let attempt = 1; !answer; attempt++) {
          try {
            answer = (await graphql(gateway.graphqlUrl, SUBMIT, { input })).submitFingerprintJob.job;
          } catch (error) {
            const message = (error as Error).message;
            // The same idempotencyKey: a retry answers the job the first try made, never a second one.
            if (attempt >= 4 || !/BACKEND_UNAVAILABLE|BACKEND_THROTTLED|DATABASE_UNAVAILABLE|fetch failed/.test(message)) throw new Error(`submit ${index}: ${message}`);
            submitRetries += 1;
            log(`submit ${index} retried: ${message}`);
            await sleep(200 * attempt);
          }
        }
        const took = Date.now() - submitStarted;
        if (took > 3_000) log(`slow submit: ${took} ms (job ${index})`);
        const job: TimedJob = { index, id: answer.id, backendJobId: answer.backendJobId, backend: library.backend, copy, submittedAt: Date.now() };
        jobs.push(job);
        if (FINISH_FROM === "submit") finishes.push(finishLater(job));
      }
    }),
  );
  const submitsEnded = Date.now();
  if (FINISH_FROM === "all") for (const job of jobs) finishes.push(finishLater(job));
  const submitSeconds = (submitsEnded - started) / 1000;
  log(`submitted in ${submitSeconds.toFixed(1)} s (${submitRetries} retried); waiting for every finish and its event`);
  await Promise.all(finishes);
  const finished = jobs.filter((job) => job.successAt !== undefined);
  const heardOf = (ids: Set<string>) => new Set(events.filter((e) => ids.has(e.jobId)).map((e) => e.jobId)).size;
  const finishedIds = new Set(finished.map((job) => job.id));
  const lastFinish = Date.now();
  while (heardOf(finishedIds) < finishedIds.size && Date.now() - lastFinish < EVENTS_TIMEOUT_MS && !subscriberProblems.length) await sleep(50);
  // A moment more, for a duplicate that would follow the last first delivery.
  await sleep(1_000);
  const wallSeconds = (Date.now() - started) / 1000;
  loopDelay.disable();
  clearInterval(rssTimer);
  const gatewayCpuSeconds = cpuSeconds(gateway.pid) - cpuBefore;
  const rssEndKb = rssKb(gateway.pid);
  const metricsAfter = await scrapeMetrics(gateway.url);
  load.after = loadAverage();
  const stats = counter.stats();

  // ---------------------------------------------------------------- figures
  const byJob = new Map<string, FinishedEvent[]>();
  for (const event of events) byJob.set(event.jobId, [...(byJob.get(event.jobId) ?? []), event]);
  const missing = finished.filter((job) => !byJob.has(job.id));
  const duplicated = finished.filter((job) => (byJob.get(job.id)?.length ?? 0) > 1);
  const timedIds = new Set(jobs.map((job) => job.id));
  // Events of timed jobs the bench never finished (a finish call that failed) or of no timed job at all.
  const unexpected = events.filter((e) => !finishedIds.has(e.jobId));
  if (missing.length) log(`MISSING: ${missing.length} finished jobs were never heard of, e.g. ${missing.slice(0, 10).map((j) => `${j.id} (${j.backend} ${j.backendJobId}, finished ${new Date(j.successAt!).toISOString()})`).join(", ")}`);
  if (duplicated.length) log(`DUPLICATED: ${duplicated.length} jobs were heard of more than once, e.g. ${duplicated.slice(0, 10).map((j) => `${j.id}: ${byJob.get(j.id)!.map((e) => `event ${e.eventId} ${e.status}`).join(" / ")}`).join("; ")}`);
  if (unexpected.length) log(`unexpected events: ${unexpected.length}, e.g. ${unexpected.slice(0, 5).map((e) => `${e.jobId} (${timedIds.has(e.jobId) ? "a timed job whose finish call failed" : "not a timed job"}) ${e.status}`).join(", ")}`);
  if (subscriberProblems.length) log(`subscriber: ${subscriberProblems.join("; ")}`);

  const heard = finished.filter((job) => byJob.has(job.id)).map((job) => ({ job, event: byJob.get(job.id)![0]! }));
  const sorted = (xs: number[]) => xs.filter(Number.isFinite).sort((a, b) => a - b);
  const lagStats = (xs: number[]) => {
    const s = sorted(xs);
    return { p50: pct(s, 0.5), p90: pct(s, 0.9), p99: pct(s, 0.99), max: s.at(-1) ?? NaN, min: s[0] ?? NaN, measured: s.length };
  };
  const toSubscriber = lagStats(heard.map(({ job, event }) => event.receivedAt - job.successAt!));
  const toStore = lagStats(heard.map(({ job, event }) => event.occurredAt - job.successAt!));
  const byBackend = Object.fromEntries(
    (["ICE", "MPS"] as const).map((backend) => {
      const mine = heard.filter(({ job }) => job.backend === backend);
      return [backend, { toSubscriber: lagStats(mine.map(({ job, event }) => event.receivedAt - job.successAt!)), toStore: lagStats(mine.map(({ job, event }) => event.occurredAt - job.successAt!)) }];
    }),
  );
  // The submits share the gateway's CPU with the watcher: the jobs that finished while they ran, apart.
  const byPhase = {
    whileSubmitting: lagStats(heard.filter(({ job }) => job.successAt! < submitsEnded).map(({ job, event }) => event.receivedAt - job.successAt!)),
    afterTheSubmits: lagStats(heard.filter(({ job }) => job.successAt! >= submitsEnded).map(({ job, event }) => event.receivedAt - job.successAt!)),
  };
  const finishedByStatus: Record<string, number> = {};
  for (const { event } of heard) {
    const key = event.errorCode ? `${event.status} ${event.errorCode}` : event.status;
    finishedByStatus[key] = (finishedByStatus[key] ?? 0) + 1;
  }
  const firstFailure = heard.find(({ event }) => event.status !== "SUCCEEDED");
  if (firstFailure) {
    const row = (await graphql(gateway.graphqlUrl, JOB, { id: firstFailure.job.id })).fingerprintJob;
    log(`a job that did not succeed: ${firstFailure.job.id} ${row?.status} ${row?.errorCode}: ${row?.errorMessage}`);
  }
  const copies = heard.filter(({ job }) => job.copy);
  const others = heard.filter(({ job }) => !job.copy);

  // Jobs in flight (submit answered, event not yet heard) at their peak.
  const edges = jobs
    .flatMap((job) => [[job.submittedAt, 1], [byJob.get(job.id)?.[0]?.receivedAt ?? Infinity, -1]] as Array<[number, number]>)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let inFlight = 0;
  let peakInFlight = 0;
  for (const [, delta] of edges) peakInFlight = Math.max(peakInFlight, (inFlight += delta));

  const calls = (stats.calls.QueryDNAJobList ?? 0) + (stats.calls.QueryFpShotJobList ?? 0);
  const refreshes = (stats.ids.QueryDNAJobList ?? 0) + (stats.ids.QueryFpShotJobList ?? 0);
  const callsPer1000Refreshes = r1((calls / refreshes) * 1000);
  const metric = (name: string) => sumSamples(metricsAfter, name) - sumSamples(metricsBefore, name);

  const result = {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadAverage: load },
    database: database.kind,
    measured: "end to end: backend Success (the emulator's finish call returned) to the fingerprintJobFinished message on one graphql-ws subscriber of a gateway child process",
    jobs: JOBS,
    finishesFrom: FINISH_FROM === "all" ? "1-15 s after the last submit answered (every job in flight at once)" : "1-15 s after each job's own submit (overlapping the submit burst)",
    submitters: SUBMITTERS,
    submitRetries,
    finishFailures,
    peakJobsInFlight: peakInFlight,
    watcher: settings,
    submitSeconds: r1(submitSeconds),
    wallSeconds: r1(wallSeconds),
    finishedByStatus,
    searchesWithTheMatch: { copies: copies.length, withTheMatch: copies.filter(({ event }) => event.matchKeys.includes(STORED_KEY)).length, unrelatedWithAMatch: others.filter(({ event }) => event.matchKeys.length > 0).length },
    exactlyOnce: {
      finished: finished.length,
      heardOnce: finished.length - missing.length - duplicated.length,
      heardNever: missing.map((job) => job.id),
      heardMoreThanOnce: duplicated.map((job) => ({ id: job.id, events: byJob.get(job.id)!.map((e) => e.eventId) })),
      unexpectedEvents: unexpected.length,
      subscriberProblems,
      ok: missing.length === 0 && duplicated.length === 0 && unexpected.length === 0 && subscriberProblems.length === 0,
    },
    backendCalls: { calls: stats.calls, ids: stats.ids, idsPerCallHistogram: stats.idsPerCallHistogram },
    gatewayMetrics: { jobWatcherBackendCalls: metric("gateway_job_watcher_backend_calls_total"), jobWatcherJobReads: metric("gateway_job_watcher_job_reads_total") },
    refreshesPerJob: Math.round((refreshes / JOBS) * 100) / 100,
    callsPer1000Refreshes,
    lagToSubscriberMs: toSubscriber,
    lagToStoreMs: toStore,
    lagByBackendMs: byBackend,
    lagToSubscriberByPhaseMs: byPhase,
    gateway: { cpuSeconds: Math.round(gatewayCpuSeconds * 100) / 100, rssMbPeak: Math.round(rssPeakKb / 1024), rssMbEnd: Math.round(rssEndKb / 1024) },
    benchEventLoopDelayMs: { p99: r1(loopDelay.percentile(99) / 1e6), max: r1(loopDelay.max / 1e6) },
    // Ten ids a call is the most a call carries, so 100 is a floor no run goes below: the bench counts it met within 1 % of it.
    goals: { callsPer1000Refreshes: 100, callsPer1000RefreshesMetAtOrBelow: 101, lagP99WithinMs: settings.minIntervalMs },
    goalMet: { callsPer1000Refreshes: callsPer1000Refreshes <= 101, lagP99: toSubscriber.p99 <= settings.minIntervalMs, exactlyOnce: missing.length === 0 && duplicated.length === 0 },
  };
  console.log(JSON.stringify(result, null, 2));
  log(`lag to the subscriber p50 ${toSubscriber.p50} ms, p90 ${toSubscriber.p90} ms, p99 ${toSubscriber.p99} ms, max ${toSubscriber.max} ms (goal: p99 within ${settings.minIntervalMs} ms: ${result.goalMet.lagP99 ? "met" : "NOT met"})`);
  log(`lag to the store p50 ${toStore.p50} ms, p99 ${toStore.p99} ms`);
  log(`lag to the subscriber of the ${byPhase.whileSubmitting.measured} jobs finished while the submits ran: p50 ${byPhase.whileSubmitting.p50} ms, p99 ${byPhase.whileSubmitting.p99} ms; of the ${byPhase.afterTheSubmits.measured} after: p50 ${byPhase.afterTheSubmits.p50} ms, p99 ${byPhase.afterTheSubmits.p99} ms`);
  log(`backend calls per 1,000 refreshes: ${callsPer1000Refreshes} (goal 100); refreshes per job ${result.refreshesPerJob}`);
  log(`exactly once: ${result.exactlyOnce.heardOnce} of ${finished.length} finished jobs heard once, ${missing.length} never, ${duplicated.length} more than once`);
  log(`gateway CPU ${result.gateway.cpuSeconds} s, RSS peak ${result.gateway.rssMbPeak} MB; load average before ${load.before.join(" ")}, after ${load.after.join(" ")} on ${cpus().length} cores`);
  // One entry per database: the other's last run is kept.
  const file = join(ROOT, "bench", "results", "jobs.json");
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    // first run
  }
  writeFileSync(file, JSON.stringify({ ...previous, [database.kind]: result }, null, 2) + "\n");
  log(`wrote bench/results/jobs.json (${database.kind})`);
  if (missing.length || duplicated.length) {
    log(`the gateway's last lines:\n${gateway.output.slice(-30).join("\n")}`);
    return 1;
  }
  return 0;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as Error)?.message ?? String(e)).join("; ");
  if (error && typeof error === "object" && "code" in error) return `code ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ""}`;
  return String(error);
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
    if (i > 300) {
      child.kill("SIGKILL");
      throw new Error("the emulator did not start");
    }
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

main()
  .then(
    (code) => code,
    (error) => {
      console.error(error);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
