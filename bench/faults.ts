/**
 * `npm run faults`: the fault proofs. Two gateway processes (A and B, the built
 * dist/src/main.js) on one database, against an in-process emulator, while N clients create
 * libraries and submit fingerprint jobs (SAVE / SEARCH of small texts in the emulator's OSS, on
 * one ICE and one MPS TEXT library) with idempotency keys, and retry their own failures with the
 * same key as a real client would:
 *
 *   (a) 20% of backend calls fail: 5xx, Throttling, a latency above BACKEND_READ_TIMEOUT_MS, or
 *       (for SubmitDNAJob / SubmitFpShotJob) a dropped connection (rotated every FAULTS_SLOT_MS);
 *   (b) the backends are down (every call 503) for FAULTS_OUTAGE_SECONDS;
 *   (c) gateway B is killed with -9 in the middle of creates, then started again;
 *   (d) the database is restarted (PostgreSQL only: pg_ctlcluster ... restart).
 *
 * Then, with the faults gone, it checks: every HTTP call got an answer (an HTTP response with
 * data or the contract's error codes; only calls cut by the kill in (c) may go unanswered,
 * and those are retried), no 5xx, every create eventually succeeded with one library per key,
 * every library on the emulator is in the registry exactly once or is named by the reconcile
 * report, the watcher resumed (every library turned ACTIVE), and every subscriber that stayed
 * connected to A got each activation exactly once. Jobs: every submit the client believes made a
 * job maps to exactly one gateway row and one emulator job (0 lost, 0 duplicated), no emulator
 * job without a SUBMITTED row except behind a submit answered SUBMIT_OUTCOME_UNKNOWN (ICE cannot
 * list jobs by time, so such a row stays PENDING; counted and printed), and every job finished.
 * Prints a table; exits 1 on a violation.
 *
 * Settings (environment):
 *   DATABASE_URL            postgresql://... (a fresh schema is made and dropped) or unset (SQLite temp file; (d) skipped)
 *   REDIS_URL               events over Redis (unset: in-memory bus, the relay's sweep carries events between A and B)
 *   FAULTS_CLIENTS          concurrent clients (default 8)
 *   FAULTS_PHASE_SECONDS    load per phase (a), (c), (d) (default 8)
 *   FAULTS_OUTAGE_SECONDS   length of the outage in (b) (default 10; the issue's proof is 30)
 *   FAULTS_LOG_DIR          keep each gateway's warn+ log lines in DIR/gateway-a.log and -b.log
 *   FAULTS_SLOT_MS          how often (a) switches between 5xx, Throttling and timeouts (default 1000)
 *   FAULTS_READ_TIMEOUT_MS  the gateways' BACKEND_READ_TIMEOUT_MS (default 1000)
 *   FAULTS_SEED             seed of the clients' and fault rotation's choices (default 1)
 *   FAULTS_JOB_SHARE        share of a client's operations that are job submits (default 0.5)
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient, type Client } from "graphql-ws";
import pino from "pino";
import WebSocket from "ws";
import { createBackends, singleAccount } from "../src/backends/index.js";
import { ERROR_CODES } from "../src/domain/errors.js";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../src/emulator/index.js";
import { table } from "../src/reconcile/format.js";
import { reconcile, type ReconcileReport } from "../src/reconcile/reconciler.js";
import { createServices } from "../src/services/index.js";
import { openStore, type OpenedStore } from "../src/store/index.js";
import { DEFAULT_ROUTING_POLICY } from "../src/domain/routing.js";
import { ROOT, scrapeMetrics, sleep, startGatewayChild, type GatewayChild } from "./lib/gateway-child.js";
import { scratchDatabase, type ScratchDatabase } from "./lib/scratch-database.js";
import { Random } from "./lib/seeded-random.js";
import { activeTextLibraries, auditJobs, describeAudit, nextSubmit, putTextMedia, SUBMIT_JOB, waitForFinishedJobs, type JobAudit, type LoggedSubmit, type TextLibrary } from "./lib/job-traffic.js";

/** FAULTS_LOG_DIR=dir keeps each gateway's log lines (warn and above) in dir/gateway-<name>.log, to see why a call went unanswered. */
function gatewayLog(name: string): string | undefined {
  const dir = process.env.FAULTS_LOG_DIR;
  return dir ? `${dir}/gateway-${name}.log` : undefined;
}

// ---------------------------------------------------------------- settings

const envInt = (name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
};

const CLIENTS = envInt("FAULTS_CLIENTS", 8, 1, 200);
const PHASE_SECONDS = envInt("FAULTS_PHASE_SECONDS", 8, 1, 600);
const OUTAGE_SECONDS = envInt("FAULTS_OUTAGE_SECONDS", 10, 1, 600);
const SLOT_MS = envInt("FAULTS_SLOT_MS", 1_000, 100, 60_000);
const READ_TIMEOUT_MS = envInt("FAULTS_READ_TIMEOUT_MS", 1_000, 100, 60_000);
const SEED = envInt("FAULTS_SEED", 1);
const JOB_SHARE = Number(process.env.FAULTS_JOB_SHARE ?? 0.5);
if (!(JOB_SHARE >= 0 && JOB_SHARE <= 1)) throw new Error(`FAULTS_JOB_SHARE must be a number from 0 to 1, got "${process.env.FAULTS_JOB_SHARE}"`);
/** A client stops asking about a submit after this many SUBMIT_OUTCOME_UNKNOWN answers (the gateway says the outcome cannot be known). */
const UNKNOWN_ANSWERS_BEFORE_GIVING_UP = 3;
/** The codes docs/errors.md calls retryable: a client sends the same call again (same key). */
const RETRYABLE = ["BACKEND_THROTTLED", "BACKEND_UNAVAILABLE", "BACKEND_ERROR", "DATABASE_UNAVAILABLE"];
/** After its phase, a create keeps retrying this long at most. */
const RECOVERY_SECONDS = 60;
const MAX_TRIES = 40;
const CONVERGE_SECONDS = 60;
const CONTRACT = new Set<string>(ERROR_CODES);

// ---------------------------------------------------------------- small helpers

const rng = new Random(SEED);

const log = (message: string) => console.error(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(everyMs);
  }
  log(`gave up waiting for ${what} after ${timeoutMs} ms`);
  return false;
}

// ---------------------------------------------------------------- the database

/** Why (d) cannot run here, or null when it can. */
function databaseRestartUnavailable(db: ScratchDatabase): string | null {
  if (db.kind !== "postgresql") return "DATABASE_URL is not PostgreSQL (SQLite is a file inside the gateway process: there is no server to restart)";
  const host = new URL(process.env.DATABASE_URL!).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) return `PostgreSQL at ${host} is not local; pg_ctlcluster can only restart a local cluster`;
  if (!existsSync("/etc/postgresql")) return "no /etc/postgresql: pg_ctlcluster (Debian's postgresql-common) is not available";
  return null;
}

function restartPostgresql(): number {
  const started = Date.now();
  const version = readdirSync("/etc/postgresql").sort().at(-1)!;
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "restart"], { stdio: "pipe", timeout: 60_000 });
  return Date.now() - started;
}

// ---------------------------------------------------------------- clients

interface Call {
  phase: string;
  target: string;
  status: number | null;
  /** Error codes of the answer (empty on success). */
  codes: string[];
  /** extensions.reason of the answer's errors (SUBMIT_OUTCOME_UNKNOWN, SUBMIT_IN_PROGRESS, ...). */
  reasons: string[];
  transportError?: string;
  /** The call went to a process this run killed with -9 while the call was in flight. */
  cutByKill: boolean;
  problems: string[];
}

interface LogicalCreate {
  phase: string;
  key: string;
  name: string;
  tries: number;
  outcome: "succeeded" | "gave-up" | "refused";
  libraryId?: string;
  backendLibraryId?: string;
  lastError?: string;
}

const CREATE = `mutation Create($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed library { id backend backendLibraryId status } } }`;

class Load {
  readonly calls: Call[] = [];
  readonly creates: LogicalCreate[] = [];
  readonly submits: Array<LoggedSubmit & { phase: string }> = [];
  /** Set once the text libraries and media exist: from then on clients also submit jobs. */
  jobs?: { libraries: TextLibrary[]; media: string[] };
  private serial = 0;
  phase = "";
  /** The process ids killed so far, with when. */
  readonly killed = new Map<string, number>();

  constructor(private readonly targets: () => GatewayChild[]) {}

  /** N clients create one library after another until `until`; each create retries with its key. */
  async run(until: number): Promise<void> {
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => this.client(client, until)));
  }

  private async client(client: number, until: number): Promise<void> {
    while (Date.now() < until) {
      if (this.jobs && rng.next() < JOB_SHARE) await this.submit(client, this.jobs);
      else await this.create(client);
    }
  }

  /** One job submit, retried with its key until it answers a job, a client error, or SUBMIT_OUTCOME_UNKNOWN a few times. */
  private async submit(client: number, jobs: { libraries: TextLibrary[]; media: string[] }): Promise<void> {
    const phase = this.phase;
    const n = ++this.serial;
    const { logged, input } = nextSubmit(rng, jobs.libraries, jobs.media, `faults-job-${SEED}-${n}`);
    const record = { ...logged, phase };
    this.submits.push(record);
    let unknownAnswers = 0;
    const deadline = Date.now() + RECOVERY_SECONDS * 1000 + PHASE_SECONDS * 1000 + OUTAGE_SECONDS * 1000;
    for (let attempt = 0; attempt < MAX_TRIES && Date.now() < deadline; attempt++) {
      const live = this.targets();
      const target = live[(client + attempt) % live.length];
      record.tries += 1;
      const call = await this.send(phase, target, SUBMIT_JOB, { input });
      const job = (call.data as { submitFingerprintJob?: { job: { id: string; backendJobId: string } } } | undefined)?.submitFingerprintJob?.job;
      if (job) {
        record.outcome = "submitted";
        record.jobId = job.id;
        record.backendJobId = job.backendJobId;
        return;
      }
      record.lastError = call.call.transportError ?? ([...call.call.codes, ...call.call.reasons].join(",") || `HTTP ${call.call.status}`);
      if (call.call.codes.some((code) => !RETRYABLE.includes(code))) {
        record.outcome = "refused";
        return;
      }
      if (call.call.reasons.includes("SUBMIT_OUTCOME_UNKNOWN") && ++unknownAnswers >= UNKNOWN_ANSWERS_BEFORE_GIVING_UP) {
        record.outcome = "unknown";
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + rng.next()));
    }
  }

  private async create(client: number): Promise<void> {
    const phase = this.phase;
    const n = ++this.serial;
    const key = `faults-${SEED}-${n}`;
    const name = `faults-${SEED}-${phase[0]}-${n}`;
    const model = rng.pick(["VIDEO", "AUDIO", "IMAGE"] as const);
    const record: LogicalCreate = { phase, key, name, tries: 0, outcome: "gave-up" };
    this.creates.push(record);
    const deadline = Date.now() + RECOVERY_SECONDS * 1000 + PHASE_SECONDS * 1000 + OUTAGE_SECONDS * 1000;
    for (let attempt = 0; attempt < MAX_TRIES && Date.now() < deadline; attempt++) {
      const live = this.targets();
      // Alternate instances on retries: a retry after a kill goes to the survivor.
      const target = live[(client + attempt) % live.length];
      record.tries += 1;
      const call = await this.send(phase, target, CREATE, { input: { name, model, idempotencyKey: key } });
      const payload = call.data as { createFingerprintLibrary?: { library: { id: string; backendLibraryId: string } } } | undefined;
      if (payload?.createFingerprintLibrary) {
        record.outcome = "succeeded";
        record.libraryId = payload.createFingerprintLibrary.library.id;
        record.backendLibraryId = payload.createFingerprintLibrary.library.backendLibraryId;
        return;
      }
      record.lastError = call.call.transportError ?? call.call.codes.join(",") ?? `HTTP ${call.call.status}`;
      if (call.call.codes.some((code) => !RETRYABLE.includes(code))) {
        record.outcome = "refused"; // a client error: retrying cannot help (and should not happen here)
        return;
      }
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + rng.next()));
    }
  }

  private async send(phase: string, target: GatewayChild, query: string, variables: Record<string, unknown>): Promise<{ call: Call; data?: unknown }> {
    const call: Call = { phase, target: `${target.pid}`, status: null, codes: [], reasons: [], cutByKill: false, problems: [] };
    this.calls.push(call);
    const sentAt = Date.now();
    try {
      const response = await fetch(target.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      call.status = response.status;
      const text = await response.text();
      if (response.status >= 500) call.problems.push(`HTTP ${response.status}: ${text.slice(0, 200)}`);
      let body: { data?: unknown; errors?: Array<{ message?: string; extensions?: { code?: string; reason?: string } }> };
      try {
        body = JSON.parse(text);
      } catch {
        call.problems.push(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        return { call };
      }
      for (const error of body.errors ?? []) {
        const code = error.extensions?.code ?? "(none)";
        call.codes.push(code);
        if (error.extensions?.reason) call.reasons.push(error.extensions.reason);
        if (!CONTRACT.has(code)) call.problems.push(`error code ${code} is not in the contract: ${error.message}`);
        if (!error.message) call.problems.push("an error without a message");
      }
      if (!body.data && !body.errors?.length) call.problems.push(`HTTP ${response.status} with neither data nor errors`);
      return { call, data: (body.data as Record<string, unknown> | null) ?? undefined };
    } catch (error) {
      call.transportError = (error as Error).cause ? String(((error as Error).cause as Error).message ?? (error as Error).cause) : (error as Error).message;
      const killedAt = this.killed.get(call.target);
      call.cutByKill = killedAt !== undefined && killedAt >= sentAt - 50;
      if (!call.cutByKill && !this.killed.has(call.target)) call.problems.push(`no answer: ${call.transportError}`);
      // A call sent to a process already known dead is the client's stale view, not a lost answer.
      if (!call.cutByKill && this.killed.has(call.target)) call.cutByKill = true;
      return { call };
    }
  }
}

// ---------------------------------------------------------------- subscribers

interface Subscriber {
  client: Client;
  received: Map<string, number>;
  dropped: boolean;
  errors: string[];
}

async function subscribe(url: string): Promise<Subscriber> {
  const sub: Subscriber = { client: undefined as unknown as Client, received: new Map(), dropped: false, errors: [] };
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  sub.client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      connected: () => connected(),
      closed: () => {
        sub.dropped = true;
      },
    },
  });
  await Promise.race([ready, sleep(10_000)]);
  sub.client.subscribe<{ fingerprintLibraryActivated: { library: { backendLibraryId: string } } }>(
    { query: "subscription { fingerprintLibraryActivated { eventId library { backendLibraryId } } }" },
    {
      next: (result) => {
        const id = result.data?.fingerprintLibraryActivated.library.backendLibraryId;
        if (id) sub.received.set(id, (sub.received.get(id) ?? 0) + 1);
        if (result.errors) sub.errors.push(JSON.stringify(result.errors).slice(0, 200));
      },
      error: (error) => {
        sub.dropped = true;
        sub.errors.push(String((error as Error).message ?? error).slice(0, 200));
      },
      complete: () => {
        sub.dropped = true;
      },
    },
  );
  return sub;
}

// ---------------------------------------------------------------- backend call counts (from /metrics)

async function backendCalls(children: GatewayChild[]): Promise<{ total: number; failed: number }> {
  let total = 0;
  let failed = 0;
  for (const child of children) {
    try {
      for (const sample of await scrapeMetrics(child.url)) {
        if (sample.name !== "gateway_backend_calls_total") continue;
        total += sample.value;
        if (sample.labels.outcome !== "ok") failed += sample.value;
      }
    } catch {
      // a process being restarted
    }
  }
  return { total, failed };
}

// ---------------------------------------------------------------- main

interface PhaseRow {
  phase: string;
  what: string;
  seconds: number;
  creates: number;
  submits: number;
  calls: number;
  answered: number;
  cutByKill: number;
  errors: string;
  backendCalls: string;
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, "dist/src/main.js"))) throw new Error("dist/src/main.js is missing: run `npm run build` (npm run faults does)");
  const db = scratchDatabase("faults", process.env.DATABASE_URL);
  const noRestart = databaseRestartUnavailable(db);
  const redisUrl = process.env.REDIS_URL;
  log(`database ${db.kind}, events ${redisUrl ? "redis" : "in-memory + event-log sweep"}, ${CLIENTS} clients, phases ${PHASE_SECONDS} s, outage ${OUTAGE_SECONDS} s`);

  const emulator: RunningEmulator = await startEmulator({
    activationDelayMs: 500,
    activationJitterMs: 500,
    deleteJobDelayMs: 500,
    // Jobs on small texts: a short queue, no analysis time to speak of.
    jobQueueDelayMs: 300,
    jobSecondsPerMediaSecond: 0,
    libraryQuota: 1_000_000,
    qpsLimits: Object.fromEntries(
      ["CreateDNADB", "ListDNADB", "DeleteDNADB", "CreateFpShotDB", "ListFpShotDB", "SubmitFpDBDeleteJob", "QueryFpDBDeleteJobList", "SubmitDNAJob", "QueryDNAJobList", "SubmitFpShotJob", "QueryFpShotJobList"].map((a) => [a, 10_000]),
    ),
    log: () => {},
  });
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    ...(redisUrl ? { REDIS_URL: redisUrl, EVENT_CHANNEL: `faults-${randomBytes(4).toString("hex")}` } : {}),
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    BACKEND_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
    BACKEND_RETRIES: "2",
    BACKEND_RETRY_MIN_DELAY_MS: "50",
    BACKEND_RETRY_MAX_DELAY_MS: "300",
    CREATE_INTENT_STALE_MS: "3000",
    WATCHER_TICK_MS: "200",
    WATCHER_MIN_INTERVAL_MS: "300",
    WATCHER_MAX_INTERVAL_MS: "3000",
    WATCHER_LEASE_TTL_MS: "3000",
    JOB_WATCHER_MIN_INTERVAL_MS: "200",
    JOB_WATCHER_MAX_INTERVAL_MS: "2000",
    JOB_EXPECTED_DURATION_MS: "500",
    EVENT_SWEEP_INTERVAL_MS: "500",
    EVENT_SWEEP_LOOKBACK_MS: "300000",
    RATE_LIMIT_REQUESTS: "0",
    MAX_SUBSCRIPTIONS_PER_TENANT: "100000",
    SHUTDOWN_GRACE_MS: "3000",
  };

  const children: GatewayChild[] = [];
  let a: GatewayChild | undefined;
  let b: GatewayChild | undefined;
  const subscribers: Subscriber[] = [];
  const rows: PhaseRow[] = [];
  const checks: Array<{ check: string; result: string; ok: boolean }> = [];
  let store: OpenedStore | undefined;
  let report: ReconcileReport | undefined;
  let textLibraries: TextLibrary[] = [];
  let jobAudit: JobAudit | undefined;
  const load = new Load(() => [a!, b!].filter(Boolean));

  try {
    a = await startGatewayChild(env, { logFile: gatewayLog("a") }); // migrates the fresh database
    b = await startGatewayChild(env, { logFile: gatewayLog("b") });
    children.push(a, b);
    log(`gateway A pid ${a.pid} ${a.url}, B pid ${b.pid} ${b.url}, emulator ${emulator.url}`);
    for (let i = 0; i < 3; i++) subscribers.push(await subscribe(a.graphqlUrl));
    await sleep(500);
    // Made before the faults (a client cannot submit to a library that is not ACTIVE yet); the subscribers hear their activations too.
    const jobMedia = await putTextMedia(emulator, rng, 12);
    textLibraries = await activeTextLibraries(emulator, a.graphqlUrl, `faults-${SEED}`);
    load.jobs = { libraries: textLibraries, media: jobMedia };
    log(`job submits on ${textLibraries.map((l) => `${l.backend} ${l.backendLibraryId}`).join(", ")} (${Math.round(JOB_SHARE * 100)}% of client operations)`);

    const runPhase = async (phase: string, what: string, seconds: number, during: (until: number) => Promise<void>) => {
      load.phase = phase;
      const callsBefore = load.calls.length;
      const createsBefore = load.creates.length;
      const submitsBefore = load.submits.length;
      const before = await backendCalls([a!, b!]);
      const started = Date.now();
      const until = started + seconds * 1000;
      log(`phase ${phase}: ${what}`);
      // The faults end when the phase's time is up; creates still retrying then finish against healthy backends.
      await Promise.all([load.run(until), during(until).finally(() => emulator.control.clearFaults())]);
      const after = await backendCalls([a!, b!]);
      const calls = load.calls.slice(callsBefore);
      const codes = new Map<string, number>();
      for (const call of calls) for (const code of call.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
      const totalCalls = Math.max(0, after.total - before.total);
      const failedCalls = Math.max(0, after.failed - before.failed);
      rows.push({
        phase,
        what,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        creates: load.creates.length - createsBefore,
        submits: load.submits.length - submitsBefore,
        calls: calls.length,
        answered: calls.filter((c) => c.status !== null).length,
        cutByKill: calls.filter((c) => c.cutByKill).length,
        errors: [...codes].map(([code, n]) => `${code} ${n}`).join(", ") || "none",
        backendCalls: totalCalls ? `${totalCalls} (${((100 * failedCalls) / totalCalls).toFixed(0)}% failed)` : "n/a",
      });
    };

    // (a) 20% of backend calls fail: 5xx, Throttling or timeouts, rotated.
    await runPhase("a", "20% of backend calls fail (5xx / Throttling / timeout / submits dropped)", PHASE_SECONDS, async (until) => {
      const modes = ["5xx", "throttling", "timeout", "drop"] as const;
      for (let slot = 0; Date.now() < until; slot++) {
        const mode = modes[slot % modes.length];
        emulator.control.clearFaults();
        if (mode === "5xx") emulator.control.setFault("*", { errorRate: 0.2, code: "InternalError", httpStatus: 500 });
        if (mode === "throttling") emulator.control.setFault("*", { errorRate: 0.2, code: "Throttling", httpStatus: 400 });
        // Latency applies to every call it matches: the next few calls take longer than the read deadline.
        if (mode === "timeout") emulator.control.setFault("*", { latencyMs: READ_TIMEOUT_MS + 300, times: Math.max(2, CLIENTS) });
        // The socket closes without an answer after the service took the submit: the ambiguous case idempotency keys are for.
        if (mode === "drop") for (const action of ["SubmitDNAJob", "SubmitFpShotJob"]) emulator.control.setFault(action, { dropRate: 0.2 });
        await sleep(Math.min(SLOT_MS, Math.max(0, until - Date.now())));
      }
    });

    // (b) the backends are down.
    await runPhase("b", `backends down (every call 503) for ${OUTAGE_SECONDS} s`, OUTAGE_SECONDS, async (until) => {
      emulator.control.setFault("*", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503 });
      await sleep(Math.max(0, until - Date.now()));
    });

    // (c) kill -9 of gateway B in the middle of creates, then a restart.
    await runPhase("c", "gateway B killed with -9 mid-creates, restarted", PHASE_SECONDS, async () => {
      await sleep(Math.min(2_000, (PHASE_SECONDS * 1000) / 4));
      const victim = b!;
      load.killed.set(String(victim.pid), Date.now());
      victim.child.kill("SIGKILL");
      await victim.exited;
      log(`killed B (pid ${victim.pid}) with -9`);
      await sleep(1_000);
      b = await startGatewayChild(env, { logFile: gatewayLog("b") });
      children.push(b);
      log(`B restarted as pid ${b.pid} ${b.url}`);
    });

    // (d) the database restarted.
    if (noRestart) {
      rows.push({ phase: "d", what: `skipped: ${noRestart}`, seconds: 0, creates: 0, submits: 0, calls: 0, answered: 0, cutByKill: 0, errors: "", backendCalls: "" });
      log(`phase d skipped: ${noRestart}`);
    } else {
      await runPhase("d", "PostgreSQL restarted (pg_ctlcluster restart)", PHASE_SECONDS, async () => {
        await sleep(Math.min(2_000, (PHASE_SECONDS * 1000) / 4));
        const ms = restartPostgresql();
        log(`PostgreSQL restarted in ${ms} ms`);
      });
    }

    emulator.control.clearFaults();

    // ------------------------------------------------------------ convergence
    store = await openStore({ databaseUrl: db.url });
    const activeAll = async () => {
      const rows = await store!.libraries.scanAll(null, 1_000_000);
      return rows.every((row) => row.status === "ACTIVE" || row.status === "DELETED");
    };
    const t0 = Date.now();
    const watcherResumed = await waitFor("every library to turn ACTIVE", activeAll, CONVERGE_SECONDS * 1000, 500);
    const convergeSeconds = (Date.now() - t0) / 1000;
    const registry = await store.libraries.scanAll(null, 1_000_000);
    const activeIds = registry.filter((row) => row.status === "ACTIVE").map((row) => row.backendLibraryId);
    const steady = subscribers.filter((s) => !s.dropped);
    await waitFor("every subscriber to hear every activation", async () => steady.every((s) => activeIds.every((id) => s.received.has(id))), 30_000, 250);
    await sleep(2_000); // more than the relay's sweep interval: a duplicate would show

    const backends = createBackends({
      credentials: DEFAULT_DEV_ACCOUNT,
      endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint },
      protocol: "http",
      signatureAlgorithm: "v3",
      connectTimeoutMs: 3_000,
      readTimeoutMs: 5_000,
      retry: { retries: 3, minDelayMs: 50, maxDelayMs: 500 },
    });
    const services = createServices(
      store,
      singleAccount(backends),
      { routing: DEFAULT_ROUTING_POLICY, regions: { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai"] }, createIntentStaleMs: 3_000, createRetryGraceMs: 0 },
      pino({ level: "silent" }),
    );
    report = await reconcile(services, { regions: ["cn-shanghai"], intentStaleMs: 3_000, listingKey: () => emulator.endpoint, deadlineMs: 120_000 });

    const tenantIds = [...new Set(registry.map((row) => row.tenantId))];
    const jobsT0 = Date.now();
    const finishedRows = await waitForFinishedJobs(store, tenantIds, CONVERGE_SECONDS * 1000);
    const jobsConvergeSeconds = (Date.now() - jobsT0) / 1000;
    jobAudit = await auditJobs(store, emulator, load.submits, textLibraries, tenantIds);

    // ------------------------------------------------------------ checks
    const calls = load.calls;
    const unanswered = calls.filter((c) => c.status === null && !c.cutByKill);
    const withProblems = calls.filter((c) => c.problems.length > 0);
    const fiveXx = calls.filter((c) => (c.status ?? 0) >= 500);
    checks.push({
      check: "every call answered (data or a contract error)",
      result: `${calls.length - unanswered.length - calls.filter((c) => c.cutByKill).length}/${calls.length} answered, ${calls.filter((c) => c.cutByKill).length} cut by the kill -9 (retried), ${unanswered.length} lost` +
        (withProblems.length ? `; ${withProblems.length} bad: ${withProblems[0].problems[0]}` : ""),
      ok: unanswered.length === 0 && withProblems.length === 0,
    });
    checks.push({ check: "no 5xx", result: `${fiveXx.length}`, ok: fiveXx.length === 0 });
    const succeeded = load.creates.filter((c) => c.outcome === "succeeded");
    const failedCreates = load.creates.filter((c) => c.outcome !== "succeeded");
    checks.push({
      check: "every create succeeded (with retries, same key)",
      result: `${succeeded.length}/${load.creates.length}, max tries ${Math.max(0, ...load.creates.map((c) => c.tries))}` + (failedCreates.length ? `; first failure: ${failedCreates[0].key} ${failedCreates[0].outcome} ${failedCreates[0].lastError}` : ""),
      ok: failedCreates.length === 0,
    });

    const byName = new Map<string, number>();
    for (const row of registry) byName.set(row.name, (byName.get(row.name) ?? 0) + 1);
    const twiceInRegistry = [...byName].filter(([, n]) => n > 1);
    const answeredIds = new Map(succeeded.map((c) => [c.name, c.backendLibraryId]));
    const mismatched = registry.filter((row) => answeredIds.has(row.name) && answeredIds.get(row.name) !== row.backendLibraryId);
    checks.push({
      check: "one registry library per idempotency key",
      result: `${twiceInRegistry.length} keys with two libraries, ${mismatched.length} answered ids differ from the registry`,
      ok: twiceInRegistry.length === 0 && mismatched.length === 0,
    });

    const emulatorLibraries = emulator.control.state().libraries;
    const registryByBackendId = new Map<string, number>();
    for (const row of registry) registryByBackendId.set(row.backendLibraryId, (registryByBackendId.get(row.backendLibraryId) ?? 0) + 1);
    const orphanIds = new Set(report.orphans.map((o) => o.backendLibraryId));
    const notAccounted = emulatorLibraries.filter((lib) => registryByBackendId.get(lib.id) !== 1 && !orphanIds.has(lib.id));
    const extraByTimeout = emulatorLibraries.filter((lib) => orphanIds.has(lib.id));
    // Job submits whose outcome cannot be known (ICE) stay unresolved by design; they are the jobs check's business.
    const unresolvedJobSubmits = report.unresolved.filter((item) => item.kind === "job-submit");
    const unresolvedOther = report.unresolved.filter((item) => item.kind !== "job-submit");
    checks.push({
      check: "every emulator library in the registry once, or reported",
      result: `${emulatorLibraries.length} on the emulator: ${emulatorLibraries.length - extraByTimeout.length} registered once, ${extraByTimeout.length} reported as orphans, ${notAccounted.length} neither; reconcile: ${report.repaired.length} repaired, ${unresolvedOther.length} unresolved` +
        (unresolvedOther.length ? ` (first: ${unresolvedOther[0].kind} ${unresolvedOther[0].reason})` : ""),
      ok: notAccounted.length === 0 && unresolvedOther.length === 0,
    });
    checks.push({
      check: "watcher resumed (all ACTIVE after the faults)",
      result: `${registry.filter((r) => r.status === "ACTIVE").length}/${registry.length} ACTIVE, ${convergeSeconds.toFixed(1)} s after the last phase`,
      ok: watcherResumed,
    });
    const duplicates = steady.reduce((n, s) => n + [...s.received.values()].filter((count) => count > 1).length, 0);
    const missing = steady.reduce((n, s) => n + activeIds.filter((id) => !s.received.has(id)).length, 0);
    const activeSet = new Set(activeIds);
    const strays = steady.reduce((n, s) => n + [...s.received.keys()].filter((id) => !activeSet.has(id)).length, 0);
    const missingIds = [...new Set(steady.flatMap((s) => activeIds.filter((id) => !s.received.has(id))))];
    for (const id of missingIds.slice(0, 5)) {
      const row = registry.find((r) => r.backendLibraryId === id)!;
      const events = await store.events.listAfter(row.tenantId, 0, { libraryIds: [row.id] }, 100);
      log(
        `not delivered: ${row.name} (${row.backend} ${id}) created ${row.createdAt.toISOString()} activated ${row.activatedAt?.toISOString()}; ` +
          `event log: ${events.map((e) => `#${e.id} ${e.previousStatus}->${e.status}${e.firstActivation ? " (first activation)" : ""}`).join(", ") || "none"}`,
      );
    }
    checks.push({
      check: "activations to subscribers that stayed connected",
      result: `${steady.length}/${subscribers.length} stayed connected; ${duplicates} delivered twice, ${missing} missing, ${strays} for unknown libraries`,
      ok: steady.length > 0 && duplicates === 0 && missing === 0 && strays === 0,
    });

    const submits = load.submits;
    const byOutcome = (outcome: LoggedSubmit["outcome"]) => submits.filter((s) => s.outcome === outcome);
    const notSettled = [...byOutcome("gave-up"), ...byOutcome("refused")];
    checks.push({
      check: "every job submit answered a job or SUBMIT_OUTCOME_UNKNOWN (retries, same key)",
      result: `${byOutcome("submitted").length}/${submits.length} answered a job, ${byOutcome("unknown").length} SUBMIT_OUTCOME_UNKNOWN, ${byOutcome("gave-up").length} gave up, ${byOutcome("refused").length} refused; max tries ${Math.max(0, ...submits.map((s) => s.tries))}` +
        (notSettled.length ? `; first: ${notSettled[0].key} ${notSettled[0].outcome} ${notSettled[0].lastError}` : ""),
      ok: submits.length > 0 && notSettled.length === 0,
    });
    checks.push({
      check: "jobs: 0 lost, 0 duplicated, 0 orphaned (but behind SUBMIT_OUTCOME_UNKNOWN)",
      result: `${describeAudit(jobAudit)}; reconcile: ${report.jobSubmits.adopted} submits adopted, ${report.jobSubmits.refused} refused, ${unresolvedJobSubmits.length} left PENDING`,
      ok: jobAudit.lost.length === 0 && jobAudit.duplicated.length === 0 && jobAudit.orphansUnexplained.length === 0,
    });
    checks.push({
      check: "every job finished after the faults",
      result: `${finishedRows.length - jobAudit.unfinished}/${finishedRows.length} finished ${JSON.stringify(jobAudit.statuses)}, ${jobsConvergeSeconds.toFixed(1)} s after the library check`,
      ok: jobAudit.unfinished === 0,
    });

    // ------------------------------------------------------------ output
    console.log(
      table(
        ["phase", "fault", "s", "creates", "job submits", "calls", "answered", "cut by kill", "error codes answered", "backend calls"],
        rows.map((r) => [r.phase, r.what, r.seconds, r.creates, r.submits, r.calls, r.answered, r.cutByKill, r.errors, r.backendCalls]),
      ),
    );
    console.log();
    console.log(table(["check", "result", "ok"], checks.map((c) => [c.check, c.result, c.ok ? "PASS" : "FAIL"])));
    if (report.orphans.length > 0) {
      console.log(`\nOrphans (timed-out creates the backend carried out after the gateway gave up; a client retry adopted the other one): ${report.orphans.map((o) => `${o.backend}:${o.name}`).join(", ")}`);
    }
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(
      join(ROOT, "bench/results/faults.json"),
      JSON.stringify({ at: new Date().toISOString(), settings: { CLIENTS, PHASE_SECONDS, OUTAGE_SECONDS, SLOT_MS, READ_TIMEOUT_MS, SEED, JOB_SHARE, database: db.kind, events: redisUrl ? "redis" : "memory" }, phases: rows, checks, orphans: report.orphans, unresolved: report.unresolved, jobs: jobAudit }, null, 2),
    );
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) {
      for (const child of children) if (child.output.length) log(`gateway pid ${child.pid} said:\n  ${child.output.slice(-8).join("\n  ")}`);
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    for (const s of subscribers) await Promise.resolve(s.client.dispose()).catch(() => {});
    for (const child of children) await child.stop(5_000).catch(() => {});
    await store?.close().catch(() => {});
    await emulator.close();
    await db.drop().catch((error) => log(`could not drop the database: ${(error as Error).message}`));
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 3_000).unref();
  },
  (error) => {
    console.error("faults failed to run:", error instanceof Error ? error.stack : error);
    process.exit(2);
  },
);
