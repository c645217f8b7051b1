/**
 * `npm run soak`: 200 concurrent clients for SOAK_SECONDS (default 180) against the built
 * gateway (dist/src/main.js as child processes) and an in-process emulator, in two setups:
 *
 *   sqlite      the embedded-style default: SQLite, one instance, in-memory events;
 *   postgresql  PostgreSQL + Redis, two instances (needs DATABASE_URL=postgresql://... and
 *               REDIS_URL; a fresh schema is made and dropped; skipped with a reason otherwise).
 *
 * Clients: SOAK_SUBSCRIBERS (default 20) hold one fingerprintLibraryActivated subscription
 * each for the whole run; the others (200 - that) loop with a think time over creates with a
 * fresh idempotency key (retried with the same key on failure), replays of an earlier key,
 * registry reads (list pages, one library, totalCount) and short-lived subscriptions (open,
 * listen 1-3 s, close: churn). SOAK_JOB_CLIENTS (default 20) of them submit fingerprint jobs
 * instead (SAVE or SEARCH of a small text in the emulator's OSS on one ICE and one MPS TEXT
 * library, a fresh idempotency key each, retried with it; think time SOAK_JOB_THINK_MS), and
 * SOAK_JOB_SUBSCRIBERS (default 4, spread over the instances) hold one fingerprintJobFinished
 * subscription each when the build serves it (before that, finishes are read back through
 * fingerprintJob).
 *
 * Checks: zero 5xx and no unanswered call; zero lost or duplicated libraries (every answered
 * create is in the registry once, every replay answers the same library, the emulator holds
 * exactly the registry's libraries); every long-lived subscriber got each activation exactly
 * once; zero lost or duplicated jobs (every answered submit is one gateway row and one emulator
 * job, no emulator job without its row), every job finished, and each long-lived job subscriber
 * got every finish exactly once; flat memory (RSS of every gateway process, and its live V8 heap after each major GC
 * from --trace-gc in its log file (heap in use from /metrics is shown),
 * sampled every SOAK_SAMPLE_SECONDS: first, last, max and the least-squares slope after the
 * first quarter; flat means a slope under SOAK_MAX_SLOPE_MB_PER_MIN (default 2), or, since GC
 * makes a sawtooth that a short run's slope cannot see through, the last third's peak within
 * 10% of the middle third's). Prints a table; exits 1 on a violation.
 *
 *   SOAK_SECONDS=60 npm run soak                # shorter
 *   SOAK_SETUPS=sqlite npm run soak             # one setup
 *   SOAK_CLIENTS=200 SOAK_THINK_MS=200-800      # load shape
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../src/emulator/index.js";
import { ERROR_CODES } from "../src/domain/errors.js";
import { table } from "../src/reconcile/format.js";
import { openStore, type OpenedStore } from "../src/store/index.js";
import { ROOT, rssKb, scrapeMetrics, sleep, startGatewayChild, type GatewayChild } from "./lib/gateway-child.js";
import { scratchDatabase, isPostgresUrl } from "./lib/scratch-database.js";
import { Random } from "./lib/seeded-random.js";
import { activeTextLibraries, auditJobs, describeAudit, JOB_FINISHED_SUBSCRIPTION, nextSubmit, putTextMedia, servesJobFinished, SUBMIT_JOB, waitForFinishedJobs, type LoggedSubmit, type TextLibrary } from "./lib/job-traffic.js";

const envInt = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
};
const SECONDS = envInt("SOAK_SECONDS", 180, 5, 24 * 3600);
const CLIENTS = envInt("SOAK_CLIENTS", 200, 2, 5_000);
const SUBSCRIBERS = Math.min(envInt("SOAK_SUBSCRIBERS", 20, 1, 5_000), CLIENTS - 1);
const JOB_SUBSCRIBERS = Math.max(0, Math.min(envInt("SOAK_JOB_SUBSCRIBERS", 4, 0, 5_000), CLIENTS - SUBSCRIBERS - 1));
const JOB_CLIENTS = Math.max(0, Math.min(envInt("SOAK_JOB_CLIENTS", 20, 0, 5_000), CLIENTS - SUBSCRIBERS - JOB_SUBSCRIBERS - 1));
const [JOB_THINK_MIN, JOB_THINK_MAX] = (process.env.SOAK_JOB_THINK_MS ?? "1000-3000").split("-").map(Number);
const SAMPLE_SECONDS = envInt("SOAK_SAMPLE_SECONDS", 5, 1, 600);
const MAX_SLOPE = Number(process.env.SOAK_MAX_SLOPE_MB_PER_MIN ?? 2);
const [THINK_MIN, THINK_MAX] = (process.env.SOAK_THINK_MS ?? "200-800").split("-").map(Number);
const SETUPS = (process.env.SOAK_SETUPS ?? "sqlite,postgresql").split(",").map((s) => s.trim()).filter(Boolean);
const SEED = envInt("SOAK_SEED", 7);
const CONTRACT = new Set<string>(ERROR_CODES);
const LIBRARY_FIELDS = "id backend backendLibraryId status";


const log = (message: string) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}`);

// ---------------------------------------------------------------- statistics

class Stats {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<number, number>();
  readonly codes = new Map<string, number>();
  readonly problems: string[] = [];
  unanswered = 0;
  calls = 0;

  record(op: string, ms: number) {
    const list = this.latencies.get(op) ?? [];
    list.push(ms);
    this.latencies.set(op, list);
  }
  problem(text: string) {
    if (this.problems.length < 50) this.problems.push(text);
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

// ---------------------------------------------------------------- HTTP

async function gql(stats: Stats, op: string, target: GatewayChild, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; codes: string[] }> {
  const started = performance.now();
  stats.calls += 1;
  try {
    const response = await fetch(target.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    stats.record(op, performance.now() - started);
    stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) stats.problem(`${op}: HTTP ${response.status} ${text.slice(0, 200)}`);
    let body: { data?: any; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
    try {
      body = JSON.parse(text);
    } catch {
      stats.problem(`${op}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
      return { codes: ["(not json)"] };
    }
    const codes = (body.errors ?? []).map((e) => e.extensions?.code ?? "(none)");
    for (const code of codes) {
      stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
      if (!CONTRACT.has(code)) stats.problem(`${op}: code ${code} is not in the contract`);
    }
    return { data: body.data ?? undefined, codes };
  } catch (error) {
    stats.unanswered += 1;
    stats.problem(`${op}: no answer: ${(error as Error).message}`);
    return { codes: ["(no answer)"] };
  }
}

// ---------------------------------------------------------------- subscriptions

interface LongSubscriber {
  client: Client;
  received: Map<string, number>;
  dropped: boolean;
}

function wsClient(url: string, onClosed: () => void): { client: Client; ready: Promise<void> } {
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { connected: () => connected(), closed: onClosed },
  });
  return { client, ready };
}

async function longSubscriber(target: GatewayChild): Promise<LongSubscriber> {
  const sub: LongSubscriber = { client: undefined as unknown as Client, received: new Map(), dropped: false };
  const { client, ready } = wsClient(target.graphqlUrl, () => (sub.dropped = true));
  sub.client = client;
  await Promise.race([ready, sleep(15_000)]);
  client.subscribe<any>(
    { query: "subscription { fingerprintLibraryActivated { eventId library { backendLibraryId } } }" },
    {
      next: (result) => {
        const id = result.data?.fingerprintLibraryActivated?.library?.backendLibraryId;
        if (id) sub.received.set(id, (sub.received.get(id) ?? 0) + 1);
      },
      error: () => (sub.dropped = true),
      complete: () => (sub.dropped = true),
    },
  );
  return sub;
}

/** One fingerprintJobFinished subscription for the whole run: counts finishes per job id. */
async function longJobSubscriber(target: GatewayChild): Promise<LongSubscriber & { errors: string[] }> {
  const sub: LongSubscriber & { errors: string[] } = { client: undefined as unknown as Client, received: new Map(), dropped: false, errors: [] };
  const { client, ready } = wsClient(target.graphqlUrl, () => (sub.dropped = true));
  sub.client = client;
  await Promise.race([ready, sleep(15_000)]);
  client.subscribe<any>(
    { query: JOB_FINISHED_SUBSCRIPTION },
    {
      next: (result) => {
        const id = result.data?.fingerprintJobFinished?.job?.id;
        if (id) sub.received.set(id, (sub.received.get(id) ?? 0) + 1);
        if (result.errors) sub.errors.push(JSON.stringify(result.errors).slice(0, 200));
      },
      error: (error) => {
        sub.dropped = true;
        sub.errors.push(String((error as Error)?.message ?? JSON.stringify(error)).slice(0, 200));
      },
      complete: () => (sub.dropped = true),
    },
  );
  return sub;
}

/** Opens a socket, subscribes to every status change for a while, closes: subscription churn. */
async function shortSubscription(stats: Stats, target: GatewayChild, ms: number): Promise<void> {
  const started = performance.now();
  let failed = false;
  const { client, ready } = wsClient(target.graphqlUrl, () => {});
  try {
    // The same patience as an HTTP call (60 s): a socket that takes longer is an unanswered call.
    const ok = await Promise.race([ready.then(() => true), sleep(60_000).then(() => false)]);
    if (!ok) {
      stats.unanswered += 1;
      stats.problem("short subscription: the socket did not connect in 60 s");
      return;
    }
    const dispose = client.subscribe<any>(
      { query: "subscription { fingerprintLibraryStatusChanged { eventId status } }" },
      {
        next: (result) => {
          if (result.errors) failed = true;
        },
        error: () => (failed = true),
        complete: () => {},
      },
    );
    await sleep(ms);
    dispose();
    if (failed) stats.problem("short subscription: an error arrived");
    stats.record("subscribe+listen", performance.now() - started - ms);
  } finally {
    await Promise.resolve(client.dispose()).catch(() => {});
  }
}

// ---------------------------------------------------------------- one setup

interface Created {
  key: string;
  name: string;
  model: string;
  id: string;
  backendLibraryId: string;
}

interface SetupResult {
  setup: string;
  rows: Array<[string, string, boolean | null]>;
  latency: Array<[string, number, string, string, string]>;
  memory: Array<[string, string, string, string, string, string]>;
}

async function runSetup(setup: "sqlite" | "postgresql"): Promise<SetupResult | string> {
  const instances = setup === "postgresql" ? 2 : 1;
  if (setup === "postgresql" && (!isPostgresUrl(process.env.DATABASE_URL) || !process.env.REDIS_URL)) return "needs DATABASE_URL=postgresql://... and REDIS_URL";
  const { url: databaseUrl, drop } = scratchDatabase("soak", setup === "postgresql" ? process.env.DATABASE_URL : undefined);

  const rng = new Random(SEED);
  const emulator: RunningEmulator = await startEmulator({
    activationDelayMs: 1_000,
    activationJitterMs: 1_000,
    // Jobs on small texts: half a second Queuing, no analysis time to speak of.
    jobQueueDelayMs: 500,
    jobSecondsPerMediaSecond: 0,
    libraryQuota: 10_000_000,
    qpsLimits: Object.fromEntries(
      ["CreateDNADB", "ListDNADB", "DeleteDNADB", "CreateFpShotDB", "ListFpShotDB", "SubmitFpDBDeleteJob", "QueryFpDBDeleteJobList", "SubmitDNAJob", "QueryDNAJobList", "SubmitFpShotJob", "QueryFpShotJobList"].map((a) => [a, 100_000]),
    ),
    log: () => {},
  });
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    ...(setup === "postgresql" ? { REDIS_URL: process.env.REDIS_URL!, EVENT_CHANNEL: `soak-${randomBytes(4).toString("hex")}` } : {}),
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    // The lead's per-tenant rate limit and subscription cap would refuse a soak's single tenant.
    RATE_LIMIT_REQUESTS: "0",
    MAX_SUBSCRIPTIONS_PER_TENANT: "100000",
    MAX_SUBSCRIPTIONS_PER_CONNECTION: "1000",
    JOB_WATCHER_MIN_INTERVAL_MS: "200",
    JOB_WATCHER_MAX_INTERVAL_MS: "2000",
    JOB_EXPECTED_DURATION_MS: "700",
  };
  const children: GatewayChild[] = [];
  const stats = new Stats();
  const created: Created[] = [];
  const replayMismatch: string[] = [];
  const longSubs: LongSubscriber[] = [];
  const jobSubs: Array<LongSubscriber & { errors: string[] }> = [];
  const submits: LoggedSubmit[] = [];
  const jobFinishedServed = servesJobFinished();
  const samples = new Map<number, Array<[number, number]>>();
  /** V8 heap in use (nodejs_heap_size_used_bytes from /metrics): the leak signal RSS blurs. */
  const heapSamples = new Map<number, Array<[number, number]>>();
  let store: OpenedStore | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let serial = 0;

  try {
    // --trace-gc: each major GC's live heap (what it could not free) goes to the log file, the leak signal (see the memory rows).
    for (let i = 0; i < instances; i++) children.push(await startGatewayChild(env, { logFile: logFileFor(setup, i), nodeArgs: ["--trace-gc"] }));
    log(
      `${setup}: ${children.length} gateway(s) ${children.map((c) => `pid ${c.pid}`).join(", ")}, ${CLIENTS} clients (${SUBSCRIBERS} long-lived subscribers, ` +
        `${jobFinishedServed ? JOB_SUBSCRIBERS : 0} job-finished subscribers${jobFinishedServed ? "" : " (not in this build)"}, ${JOB_CLIENTS} submitting jobs) for ${SECONDS} s`,
    );
    const t0 = Date.now();
    const sample = () => {
      for (const child of children) {
        const at = (Date.now() - t0) / 60_000;
        try {
          const list = samples.get(child.pid) ?? [];
          list.push([at, rssKb(child.pid) / 1024]);
          samples.set(child.pid, list);
        } catch {
          // exited
        }
        scrapeMetrics(child.url)
          .then((metrics) => {
            const heap = metrics.find((m) => m.name === "nodejs_heap_size_used_bytes");
            if (!heap) return;
            const list = heapSamples.get(child.pid) ?? [];
            list.push([at, heap.value / 1_048_576]);
            heapSamples.set(child.pid, list);
          })
          .catch(() => {});
      }
    };
    sample();
    sampler = setInterval(sample, SAMPLE_SECONDS * 1000);

    for (let i = 0; i < SUBSCRIBERS; i++) longSubs.push(await longSubscriber(children[i % children.length]));
    if (jobFinishedServed) for (let i = 0; i < JOB_SUBSCRIBERS; i++) jobSubs.push(await longJobSubscriber(children[i % children.length]));
    await sleep(500);
    // After the subscribers: they hear these libraries' activations like any other.
    const jobMedia = await putTextMedia(emulator, rng, 16);
    const textLibraries: TextLibrary[] = await activeTextLibraries(emulator, children[0].graphqlUrl, `soak-${setup}`);

    const until = Date.now() + SECONDS * 1000;
    const createOne = async (target: GatewayChild) => {
      const n = ++serial;
      const key = `soak-${setup}-${n}`;
      const name = `soak-${setup}-${n}`;
      const model = rng.pick(["VIDEO", "AUDIO", "IMAGE"]);
      for (let attempt = 0; attempt < 10; attempt++) {
        const answer = await gql(stats, "create", target, `mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed library { ${LIBRARY_FIELDS} } } }`, {
          input: { name, model, idempotencyKey: key },
        });
        const library = answer.data?.createFingerprintLibrary?.library;
        if (library) {
          created.push({ key, name, model, id: library.id, backendLibraryId: library.backendLibraryId });
          return;
        }
        await sleep(200 * (attempt + 1));
      }
      stats.problem(`create ${key}: no success after 10 tries`);
    };
    const replay = async (target: GatewayChild) => {
      const earlier = rng.pick(created);
      const answer = await gql(stats, "replay", target, `mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed library { ${LIBRARY_FIELDS} } } }`, {
        input: { name: earlier.name, model: earlier.model, idempotencyKey: earlier.key },
      });
      const result = answer.data?.createFingerprintLibrary;
      if (result && (!result.replayed || result.library.backendLibraryId !== earlier.backendLibraryId)) replayMismatch.push(earlier.key);
    };

    const submitJob = async (target: GatewayChild) => {
      const { logged, input } = nextSubmit(rng, textLibraries, jobMedia, `soak-${setup}-job-${++serial}`);
      submits.push(logged);
      for (let attempt = 0; attempt < 10; attempt++) {
        logged.tries += 1;
        const answer = await gql(stats, "submit job", target, SUBMIT_JOB, { input });
        const job = answer.data?.submitFingerprintJob?.job;
        if (job) {
          logged.outcome = "submitted";
          logged.jobId = job.id;
          logged.backendJobId = job.backendJobId;
          return;
        }
        logged.lastError = answer.codes.join(",");
        await sleep(200 * (attempt + 1));
      }
      stats.problem(`submit ${logged.key}: no job after 10 tries (${logged.lastError})`);
    };
    const jobClient = async (index: number) => {
      const target = children[index % children.length];
      while (Date.now() < until) {
        await submitJob(target);
        await sleep(rng.int(JOB_THINK_MIN, JOB_THINK_MAX));
      }
    };

    const client = async (index: number) => {
      const target = children[index % children.length];
      while (Date.now() < until) {
        const roll = rng.next();
        if (roll < 0.1 || created.length === 0) await createOne(target);
        else if (roll < 0.13) await replay(target);
        else if (roll < 0.5) {
          await gql(stats, "list", target, `query($first: Int, $filter: FingerprintLibraryFilter) { fingerprintLibraries(first: $first, filter: $filter) { totalCount nodes { ${LIBRARY_FIELDS} } pageInfo { hasNextPage endCursor } } }`, {
            first: rng.pick([10, 20, 50]),
            filter: rng.pick([null, { backend: "ICE" }, { model: "IMAGE" }, { status: "ACTIVE" }, { nameContains: String(rng.int(1, 99)) }]),
          });
        } else if (roll < 0.85) {
          await gql(stats, "get", target, `query($id: ID!) { fingerprintLibrary(id: $id) { ${LIBRARY_FIELDS} } }`, { id: rng.pick(created).id });
        } else if (roll < 0.95) {
          await gql(stats, "count", target, `{ fingerprintLibraries(first: 0) { totalCount } }`);
        } else {
          await shortSubscription(stats, target, rng.int(1_000, 3_000));
        }
        await sleep(rng.int(THINK_MIN, THINK_MAX));
      }
    };
    const progress = setInterval(() => log(`${setup}: ${Math.round((Date.now() - t0) / 1000)} s, ${stats.calls} calls, ${created.length} libraries, ${submits.length} jobs, RSS ${children.map((c) => `${Math.round(rssKb(c.pid) / 1024)} MB`).join(" / ")}`), 30_000);
    const others = CLIENTS - SUBSCRIBERS - jobSubs.length;
    await Promise.all([...Array.from({ length: others - JOB_CLIENTS }, (_, i) => client(i)), ...Array.from({ length: JOB_CLIENTS }, (_, i) => jobClient(i))]);
    clearInterval(progress);
    clearInterval(sampler);
    sample();
    const loadSeconds = (Date.now() - t0) / 1000;

    // Convergence: every library ACTIVE, every long-lived subscriber told once.
    store = await openStore({ databaseUrl });
    const deadline = Date.now() + 90_000;
    let registry = await store.libraries.scanAll(null, 10_000_000);
    while (Date.now() < deadline && registry.some((r) => r.status !== "ACTIVE")) {
      await sleep(1_000);
      registry = await store.libraries.scanAll(null, 10_000_000);
    }
    const activeIds = registry.filter((r) => r.status === "ACTIVE").map((r) => r.backendLibraryId);
    const steady = longSubs.filter((s) => !s.dropped);
    const subsDeadline = Date.now() + 60_000;
    while (Date.now() < subsDeadline && !steady.every((s) => activeIds.every((id) => s.received.has(id)))) await sleep(500);
    // Jobs: every SUBMITTED row finished, every long-lived job subscriber told once.
    const tenantIds = [...new Set(registry.map((r) => r.tenantId))];
    const jobRowsNow = await waitForFinishedJobs(store, tenantIds, 90_000);
    const finishedIds = new Set(jobRowsNow.filter((r) => ["SUCCEEDED", "FAILED", "CANCELED"].includes(r.status)).map((r) => r.id));
    const answeredJobIds = submits.filter((s) => s.outcome === "submitted").map((s) => s.jobId!);
    const steadyJobSubs = jobSubs.filter((s) => !s.dropped);
    const jobSubsDeadline = Date.now() + 60_000;
    while (Date.now() < jobSubsDeadline && !steadyJobSubs.every((s) => answeredJobIds.every((id) => s.received.has(id)))) await sleep(500);
    await sleep(2_500);
    const jobAudit = await auditJobs(store, emulator, submits, textLibraries, tenantIds);

    // ------------------------------------------------------------ checks
    const rows: Array<[string, string, boolean | null]> = [];
    const fiveXx = [...stats.statuses].filter(([status]) => status >= 500).reduce((n, [, c]) => n + c, 0);
    rows.push(["load", `${stats.calls} calls in ${loadSeconds.toFixed(0)} s (${(stats.calls / loadSeconds).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}`, null]);
    rows.push(["zero 5xx, every call answered", `${fiveXx} 5xx, ${stats.unanswered} unanswered; error codes ${JSON.stringify(Object.fromEntries(stats.codes))}`, fiveXx === 0 && stats.unanswered === 0 && stats.problems.length === 0]);
    const byName = new Map<string, number>();
    for (const row of registry) byName.set(row.name, (byName.get(row.name) ?? 0) + 1);
    const lost = created.filter((c) => byName.get(c.name) !== 1);
    const dupNames = [...byName].filter(([, n]) => n > 1);
    const emulatorIds = new Set(emulator.control.state().libraries.map((l) => l.id));
    const registryIds = new Set(registry.map((r) => r.backendLibraryId));
    const onlyOnEmulator = [...emulatorIds].filter((id) => !registryIds.has(id));
    const onlyInRegistry = [...registryIds].filter((id) => !emulatorIds.has(id));
    rows.push([
      "zero lost or duplicated libraries",
      `${created.length} created, ${lost.length} lost, ${dupNames.length} duplicated, ${replayMismatch.length} replays answered another library; emulator ${emulatorIds.size} vs registry ${registryIds.size} (${onlyOnEmulator.length} only on the emulator, ${onlyInRegistry.length} only in the registry)`,
      lost.length === 0 && dupNames.length === 0 && replayMismatch.length === 0 && onlyOnEmulator.length === 0 && onlyInRegistry.length === 0,
    ]);
    rows.push(["every library turned ACTIVE", `${activeIds.length}/${registry.length}`, activeIds.length === registry.length]);
    const activeSet = new Set(activeIds);
    const duplicates = steady.reduce((n, s) => n + [...s.received.values()].filter((c) => c > 1).length, 0);
    const missing = steady.reduce((n, s) => n + activeIds.filter((id) => !s.received.has(id)).length, 0);
    const strays = steady.reduce((n, s) => n + [...s.received.keys()].filter((id) => !activeSet.has(id)).length, 0);
    rows.push([
      "activations, exactly once per long-lived subscriber",
      `${steady.length}/${longSubs.length} stayed connected; ${duplicates} duplicated, ${missing} missing, ${strays} unknown`,
      steady.length === longSubs.length && duplicates === 0 && missing === 0 && strays === 0,
    ]);

    rows.push(["zero lost or duplicated jobs", describeAudit(jobAudit), jobAudit.lost.length === 0 && jobAudit.duplicated.length === 0 && jobAudit.orphansUnexplained.length === 0 && jobAudit.orphansUnknown === 0 && submits.length > 0]);
    rows.push(["every job finished", `${finishedIds.size}/${jobRowsNow.length} ${JSON.stringify(jobAudit.statuses)}`, jobAudit.unfinished === 0]);
    if (jobFinishedServed) {
      // The gateway's ids of answered jobs; a finish for any other id is a stray.
      const answeredSet = new Set(answeredJobIds);
      const jobDuplicates = steadyJobSubs.reduce((n, s) => n + [...s.received.values()].filter((c) => c > 1).length, 0);
      const jobMissing = steadyJobSubs.reduce((n, s) => n + answeredJobIds.filter((id) => !s.received.has(id)).length, 0);
      const jobStrays = steadyJobSubs.reduce((n, s) => n + [...s.received.keys()].filter((id) => !answeredSet.has(id)).length, 0);
      const delivered = steadyJobSubs.reduce((n, s) => n + [...s.received.values()].reduce((a, b) => a + b, 0), 0);
      rows.push([
        "job finishes, exactly once per long-lived job subscriber",
        `${steadyJobSubs.length}/${jobSubs.length} stayed connected (on ${Math.min(jobSubs.length, children.length)} instance(s)); ${delivered} deliveries of ${answeredJobIds.length} finishes; ${jobDuplicates} duplicated, ${jobMissing} missing, ${jobStrays} unknown` +
          (jobSubs.some((s) => s.errors.length) ? `; errors: ${jobSubs.flatMap((s) => s.errors)[0]}` : ""),
        jobSubs.length > 0 && steadyJobSubs.length === jobSubs.length && jobDuplicates === 0 && jobMissing === 0 && jobStrays === 0,
      ]);
    } else {
      // Before fingerprintJobFinished is in the build: read each answered job back through the API.
      let finishedThroughApi = 0;
      for (let i = 0; i < answeredJobIds.length; i += 20) {
        const answers = await Promise.all(
          answeredJobIds.slice(i, i + 20).map((id, j) => gql(stats, "get job", children[(i + j) % children.length], `query($id: ID!) { fingerprintJob(id: $id) { id status } }`, { id })),
        );
        finishedThroughApi += answers.filter((a) => ["SUCCEEDED", "FAILED", "CANCELED"].includes(a.data?.fingerprintJob?.status)).length;
      }
      rows.push([
        "job finishes (read through fingerprintJob: this build has no fingerprintJobFinished)",
        `${finishedThroughApi}/${answeredJobIds.length} answered jobs read back finished`,
        finishedThroughApi === answeredJobIds.length,
      ]);
    }

    const memory: Array<[string, string, string, string, string, string]> = [];
    let memoryOk = true;
    const describeSeries = (label: string, points: Array<[number, number]>) => {
      const mb = points.map(([, y]) => y);
      const end = points[points.length - 1][0];
      // The first quarter is warm-up (JIT, pools, caches filling).
      const perMinute = slope(points.filter(([x]) => x >= end / 4));
      // Garbage collection makes a sawtooth: compare the peaks of the middle and the last third.
      const peak = (from: number, to: number) => Math.max(...points.filter(([x]) => x >= from * end && x <= to * end).map(([, y]) => y));
      const plateau = peak(2 / 3, 1) <= 1.1 * peak(1 / 3, 2 / 3);
      const flat = perMinute <= MAX_SLOPE || plateau;
      memory.push([label, mb[0].toFixed(0), mb[mb.length - 1].toFixed(0), Math.max(...mb).toFixed(0), `${perMinute >= 0 ? "+" : ""}${perMinute.toFixed(2)}`, `${peak(1 / 3, 2 / 3).toFixed(0)} -> ${peak(2 / 3, 1).toFixed(0)}`]);
      return flat;
    };
    for (const [pid, points] of samples) if (points.length >= 6 && !describeSeries(`pid ${pid} RSS`, points)) memoryOk = false;
    // The heap in use (garbage included) rises and falls with when GC happens to run, so its
    // peaks judge nothing by themselves: a run whose live heap after every major GC stayed at
    // 42-43 MB had heap-in-use peaks of 129 then 178 MB. The verdict takes the live heap after
    // each major GC (--trace-gc); heap in use is shown, and judged only when too few major GCs ran.
    children.forEach((child, i) => {
      const live = liveHeapAfterMajorGc(logFileFor(setup, i));
      const used = heapSamples.get(child.pid) ?? [];
      if (live.length >= 6) {
        if (!describeSeries(`pid ${child.pid} live heap after major GC (${live.length})`, live)) memoryOk = false;
        if (used.length >= 6) describeSeries(`pid ${child.pid} heap in use (shown only)`, used);
      } else if (used.length >= 6 && !describeSeries(`pid ${child.pid} heap in use (${live.length} major GCs)`, used)) memoryOk = false;
    });
    rows.push([
      "flat memory",
      `every process, RSS and live heap after major GC: slope after warm-up ≤ ${MAX_SLOPE} MB/min, or the last third's peak within 10% of the middle third's (${samples.size} process(es), ${[...samples.values()][0]?.length ?? 0} RSS samples each)`,
      memoryOk,
    ]);
    if (stats.problems.length) rows.push(["first problems", stats.problems.slice(0, 3).join(" | "), false]);
    const logged = loggedErrors(children.map((_, i) => logFileFor(setup, i)));
    if (logged.length) rows.push(["gateway errors logged (level error)", logged.slice(0, 5).join(" | "), null]);

    const latency: Array<[string, number, string, string, string]> = [...stats.latencies]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, values]) => [op, values.length, percentile(values, 50).toFixed(1), percentile(values, 95).toFixed(1), percentile(values, 99).toFixed(1)]);
    return { setup: `${setup} (${instances} instance${instances > 1 ? "s" : ""}, ${setup === "postgresql" ? "Redis" : "in-memory"} events)`, rows, latency, memory };
  } finally {
    clearInterval(sampler);
    for (const s of [...longSubs, ...jobSubs]) await Promise.resolve(s.client.dispose()).catch(() => {});
    for (const child of children) await child.stop(10_000).catch(() => {});
    await store?.close().catch(() => {});
    await emulator.close();
    await drop().catch((error) => log(`could not drop the database: ${(error as Error).message}`));
  }
}

const logRun = randomBytes(4).toString("hex");
function logFileFor(setup: string, instance: number): string {
  return join(tmpdir(), `soak-${logRun}-${setup}-${instance}.log`);
}

/** The distinct error-level lines the gateways logged, with how many times each. */
/** [seconds since the process started, MB] of every major GC's result in a --trace-gc log: the live heap. */
function liveHeapAfterMajorGc(file: string): Array<[number, number]> {
  if (!existsSync(file)) return [];
  const points: Array<[number, number]> = [];
  // "[123:0x5e…]    81234 ms: Mark-Compact 155.8 (170.2) -> 43.0 (160.1) MB, …"
  for (const match of readFileSync(file, "utf8").matchAll(/(\d+) ms: Mark-Compact(?: \([a-z ]+\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g)) {
    points.push([Number(match[1]) / 1000, Number(match[2])]);
  }
  return points;
}

function loggedErrors(files: string[]): string[] {
  const counts = new Map<string, number>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; code?: string; message?: string } };
        if ((entry.level ?? 0) < 50) continue;
        const text = `${entry.msg}: ${entry.err?.type ?? ""} ${entry.err?.code ?? ""} ${(entry.err?.message ?? "").replace(/\s+/g, " ").slice(0, 160)}`;
        counts.set(text, (counts.get(text) ?? 0) + 1);
      } catch {
        // not a log line
      }
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([text, n]) => `${n}x ${text}`);
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, "dist/src/main.js"))) throw new Error("dist/src/main.js is missing: run `npm run build` (npm run soak does)");
  let failed = false;
  const results: Array<SetupResult | { setup: string; skipped: string }> = [];
  for (const setup of SETUPS) {
    if (setup !== "sqlite" && setup !== "postgresql") throw new Error(`SOAK_SETUPS: unknown setup "${setup}" (sqlite, postgresql)`);
    const result = await runSetup(setup);
    if (typeof result === "string") {
      console.log(`\n== ${setup}: skipped (${result})`);
      results.push({ setup, skipped: result });
      continue;
    }
    results.push(result);
    console.log(`\n== ${result.setup}, ${CLIENTS} clients, ${SECONDS} s`);
    console.log(table(["check", "result", "ok"], result.rows.map(([check, text, ok]) => [check, text, ok === null ? "" : ok ? "PASS" : "FAIL"])));
    console.log();
    console.log(table(["operation", "count", "p50 ms", "p95 ms", "p99 ms"], result.latency));
    console.log();
    console.log(table(["gateway memory", "first MB", "last MB", "max MB", "slope MB/min", "peak 2nd -> 3rd third"], result.memory));
    if (result.rows.some(([, , ok]) => ok === false)) failed = true;
  }
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results/soak.json"), JSON.stringify({ at: new Date().toISOString(), settings: { SECONDS, CLIENTS, SUBSCRIBERS, JOB_CLIENTS, JOB_SUBSCRIBERS, THINK_MIN, THINK_MAX, JOB_THINK_MIN, JOB_THINK_MAX, SEED }, results }, null, 2));
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 3_000).unref();
  },
  (error) => {
    console.error("soak failed to run:", error instanceof Error ? error.stack : error);
    process.exit(2);
  },
);
