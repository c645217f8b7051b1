/**
 * `npm run bench:subscriptions`: subscription fan-out and watcher economy of ONE gateway
 * instance, the gateway running as a child process against an in-process emulator.
 *
 *   Part 1, for each N (BENCH_SUBSCRIBERS, default 1000,5000,10000), on a fresh gateway
 *   process and a fresh SQLite file: N fingerprintLibraryActivated subscriptions over S
 *   WebSockets, then R rounds of create -> emulator activate -> refreshFingerprintLibrary;
 *   latency of every delivery, exactly-once check, RSS per subscriber, CPU of the rounds.
 *   Part 2: 1,000 OFFLINE libraries (VIDEO on ICE, IMAGE on MPS) and the watcher with its
 *   default settings for BENCH_WATCHER_SECONDS (default 60): List calls per minute and
 *   ids per call.
 *
 * See bench/README.md for the settings and for what each figure means.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { DEFAULT_DEV_ACCOUNT, DEFAULT_QPS_LIMITS, startEmulator, type RunningEmulator } from "../src/emulator/index.js";
import { summarizeProfile, type ProfileSummary } from "./lib/cpu-profile.js";
import {
  ROOT,
  clockTicksPerSecond,
  cpuSeconds,
  graphql,
  machineTicks,
  mainThreadCpuSeconds,
  rssKb,
  scrapeMetrics,
  sleep,
  startGatewayChild,
  sumSamples,
  type GatewayChild,
} from "./lib/gateway-child.js";
import { startListCallCounter, type ListCallCounter } from "./lib/list-call-counter.js";
import { CLIENT_THREADS, SubscriberFleet, waitUntil, withTimeout } from "./lib/subscribers.js";

// ---------------------------------------------------------------- settings

const intList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim().replace(/_/g, ""))
    .filter(Boolean)
    .map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: "${s}"`);
      return n;
    });
const envInt = (name: string, fallback: number, min = 0) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return n;
};

const argList = process.argv.slice(2).find((a) => /^[\d_,]+$/.test(a));
const SUBSCRIBER_COUNTS = intList(argList ?? process.env.BENCH_SUBSCRIBERS ?? "1000,5000,10000");
const SOCKETS = envInt("BENCH_SOCKETS", 100, 1);
const ROUNDS = envInt("BENCH_ROUNDS", 10, 1);
const WATCHER_SECONDS = envInt("BENCH_WATCHER_SECONDS", 60, 0);
const WATCHER_LIBRARIES = envInt("BENCH_WATCHER_LIBRARIES", 1000, 1);
const DELIVERY_TIMEOUT_MS = envInt("BENCH_DELIVERY_TIMEOUT_MS", 60_000, 1_000);
const CPU_PROF = /^(1|true|yes)$/i.test(process.env.BENCH_CPU_PROF ?? "");
const MAX_MINUTES = envInt("BENCH_MAX_MINUTES", 30, 1);
/**
 * WATCHER_TICK_MS of the part-1 gateway. Small, but not tiny: every tick renews the 16
 * shard leases in the database, which is CPU taken from the fan-out (see the README).
 */
const FANOUT_WATCHER_TICK_MS = envInt("BENCH_WATCHER_TICK_MS", 100, 10);
/** Extra node flags for the gateway child in part 1, for diagnosis (e.g. "--trace-gc" or "--max-semi-space-size=64"). */
const GATEWAY_NODE_ARGS = (process.env.BENCH_GATEWAY_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
/** Where to copy everything the gateway children print (e.g. the --trace-gc lines); off by default. */
const GATEWAY_LOG_DIR = process.env.BENCH_GATEWAY_LOG_DIR;
/** The issue's goal: 10,000 subscribers on one instance with p99 delivery under 250 ms. */
const GOAL = { subscribers: 10_000, p99Ms: 250 };
/** Longer than the relay's sweep (EVENT_SWEEP_INTERVAL_MS, 2 s by default): a duplicate from the sweep path would show. */
const DUPLICATE_WINDOW_MS = 3_000;

const RESULTS_DIR = join(ROOT, "bench", "results");
const PROFILE_DIR = join(RESULTS_DIR, "profiles");
const runId = `fpgw-bench-${process.pid}-${Date.now()}`;
const tempFiles: string[] = [];

// ---------------------------------------------------------------- shared plumbing

const children = new Set<GatewayChild>();
let emulator: RunningEmulator | undefined;

function databaseFile(label: string): string {
  const file = join(tmpdir(), `${runId}-${label}.db`);
  tempFiles.push(file, `${file}-journal`, `${file}-wal`, `${file}-shm`);
  return file;
}

function gatewayEnv(file: string, backendEndpoint: string, extra: Record<string, string>): Record<string, string> {
  return {
    LOG_LEVEL: "warn",
    // The bench measures delivery, not authentication: run open on purpose (on 127.0.0.1 only).
    ALLOW_UNAUTHENTICATED: "true",
    // Every subscriber is the one default tenant, from one address: lift the abuse limits
    // (defaults: 1,200 requests a minute, 100 subscriptions per connection, 10,000 per tenant)
    // so that they never decide what is measured.
    RATE_LIMIT_REQUESTS: "0",
    MAX_SUBSCRIPTIONS_PER_CONNECTION: "100000",
    MAX_SUBSCRIPTIONS_PER_TENANT: "10000000",
    DATABASE_URL: `file:${file}`,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: backendEndpoint,
    MPS_ENDPOINT: backendEndpoint,
    BACKEND_PROTOCOL: "http",
    ...extra,
  };
}

async function launch(env: Record<string, string>, nodeArgs: string[] = [], label = "gateway"): Promise<GatewayChild> {
  if (GATEWAY_LOG_DIR) mkdirSync(GATEWAY_LOG_DIR, { recursive: true });
  const logFile = GATEWAY_LOG_DIR ? join(GATEWAY_LOG_DIR, `${runId}-${label}.log`) : undefined;
  const child = await startGatewayChild(env, { nodeArgs, logFile });
  children.add(child);
  return child;
}

async function stopChild(child: GatewayChild): Promise<number | string> {
  children.delete(child);
  return child.stop();
}

const CREATE = `mutation BenchCreate($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backend backendLibraryId status } } }`;
const REFRESH = `mutation BenchRefresh($id: ID!) { refreshFingerprintLibrary(id: $id) { id status } }`;

interface CreatedLibrary {
  id: string;
  backend: string;
  backendLibraryId: string;
  status: string;
}

/** Creates retried (same idempotencyKey, so never twice) when the gateway reports a transient backend error. */
let createRetries = 0;
const createRetryReasons: string[] = [];

async function createLibrary(gateway: GatewayChild, name: string, model: "VIDEO" | "IMAGE"): Promise<CreatedLibrary> {
  const input = { name, model, idempotencyKey: `${runId}-${name}` };
  for (let attempt = 1; ; attempt++) {
    try {
      const data = await graphql<{ createFingerprintLibrary: { library: CreatedLibrary } }>(gateway.graphqlUrl, CREATE, { input });
      return data.createFingerprintLibrary.library;
    } catch (error) {
      const message = (error as Error).message;
      if (attempt >= 4 || !/BACKEND_UNAVAILABLE|THROTTLED|ECONNRESET|fetch failed/.test(message)) throw error;
      createRetries += 1;
      if (createRetryReasons.length < 20) createRetryReasons.push(message);
      log(`create ${name}: ${message}; retrying with the same idempotencyKey`);
      await sleep(200 * attempt);
    }
  }
}

/** A refresh only reads and records, so a second attempt after a dropped connection is safe. */
async function refreshLibrary(gateway: GatewayChild, id: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const data = await graphql<{ refreshFingerprintLibrary: { status: string } }>(gateway.graphqlUrl, REFRESH, { id });
      return data.refreshFingerprintLibrary.status;
    } catch (error) {
      if (attempt >= 3 || !/fetch failed/.test((error as Error).message)) throw error;
      log(`refresh ${id}: ${(error as Error).message}; retrying`);
    }
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function heapUsedBytes(gateway: GatewayChild): Promise<number> {
  return sumSamples(await scrapeMetrics(gateway.url), "nodejs_heap_size_used_bytes");
}

function newestProfile(pid: number): string | undefined {
  try {
    return readdirSync(PROFILE_DIR)
      .filter((f) => f.endsWith(".cpuprofile") && f.includes(`.${pid}.`))
      .map((f) => join(PROFILE_DIR, f))
      .sort()
      .pop();
  } catch {
    return undefined;
  }
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

// ---------------------------------------------------------------- part 1: fan-out

interface FanOutResult {
  subscribers: number;
  sockets: number;
  rounds: number;
  deliveries: number;
  expected: number;
  missing: number;
  duplicates: number;
  unexpectedEvents: number;
  subscriptionErrors: string[];
  latencyMs: { p50: number; p90: number; p99: number; max: number; min: number; mean: number };
  perRound: Array<{
    round: number;
    backend: string;
    refreshMs: number;
    firstMs: number;
    p50Ms: number;
    p99Ms: number;
    lastMs: number;
    /** Gateway main-thread CPU from just before the refresh to the last delivery (10 ms ticks). */
    gatewayMainThreadCpuMs: number;
    /** The busiest load-generator thread's event-loop utilisation over the same span (1 = saturated). */
    loadGeneratorElu: number;
  }>;
  subscribeMs: number;
  warmUpEvents: number;
  rssBeforeKb: number;
  rssAfterKb: number;
  rssDeltaMb: number;
  kbPerSubscriber: number;
  heapDeltaMb: number;
  cpuSeconds: number;
  mainThreadCpuSeconds: number;
  wallSeconds: number;
  cpuPercent: number;
  loadGeneratorCpuPercent: number;
  /** Gateway CPU with nothing connected, over 2 s before subscribing (watcher ticks). */
  idleCpuPercent: number;
  /**
   * CPU used during the rounds by everything other than the gateway and the bench (other
   * processes on the machine), in % of one core. High values make latencies unreliable.
   */
  otherProcessesCpuPercent: number;
  profile?: ProfileSummary;
}

async function fanOut(emu: RunningEmulator, n: number): Promise<FanOutResult> {
  const sockets = Math.min(SOCKETS, n);
  const nodeArgs = [...GATEWAY_NODE_ARGS, ...(CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
  const gateway = await launch(gatewayEnv(databaseFile(`fanout-${n}`), emu.endpoint, { WATCHER_TICK_MS: String(FANOUT_WATCHER_TICK_MS) }), nodeArgs, `fanout-${n}`);
  log(`N=${n}: gateway pid ${gateway.pid} at ${gateway.url}, ${sockets} sockets`);

  // Round bookkeeping, indexed [round * n + subscriber]; the event handler stays O(1).
  const roundOf = new Map<string, number>();
  const t0 = new Float64Array(ROUNDS);
  const counts = new Uint16Array(ROUNDS * n);
  const latency = new Float64Array(ROUNDS * n).fill(NaN);
  const delivered = new Uint32Array(ROUNDS);
  const warmIds = new Set<string>();
  const warmSeen = new Uint8Array(n);
  let warmSeenCount = 0;
  let unexpected = 0;

  let fleet: SubscriberFleet | undefined;
  try {
    // Warm the gateway's code paths (HTTP, create, refresh, one subscription) before the baseline.
    {
      let warmSubscriberGot = false;
      const probe = new SubscriberFleet(gateway.graphqlUrl, 1, 1, () => (warmSubscriberGot = true));
      await probe.open(15_000);
      await sleep(200);
      for (let attempt = 0; attempt < 5 && !warmSubscriberGot; attempt++) {
        const lib = await createLibrary(gateway, `bench-baseline-${n}-${attempt}`, attempt % 2 ? "IMAGE" : "VIDEO");
        emu.control.activate(lib.backendLibraryId);
        await refreshLibrary(gateway, lib.id);
        await waitUntil(() => warmSubscriberGot, 5_000, "the baseline subscriber's event").catch(() => {});
      }
      if (!warmSubscriberGot) throw new Error("the baseline subscription never received its event");
      await probe.close();
      await sleep(500);
    }
    // Background cost with no subscriber and no request: the watcher's ticks (lease renewals).
    const idleCpuStart = cpuSeconds(gateway.pid);
    const idleWallStart = performance.now();
    await sleep(2_000);
    const idleCpuPercent = round1((100 * (cpuSeconds(gateway.pid) - idleCpuStart)) / ((performance.now() - idleWallStart) / 1000));
    const rssBeforeKb = rssKb(gateway.pid);
    const heapBefore = await heapUsedBytes(gateway);

    fleet = new SubscriberFleet(gateway.graphqlUrl, n, sockets, (sub, libraryId, at) => {
      const r = roundOf.get(libraryId);
      if (r !== undefined) {
        const i = r * n + sub;
        if (counts[i]++ === 0) {
          latency[i] = at - t0[r];
          delivered[r] += 1;
        }
      } else if (warmIds.has(libraryId)) {
        if (warmSeen[sub] === 0) {
          warmSeen[sub] = 1;
          warmSeenCount += 1;
        }
      } else {
        unexpected += 1;
      }
    });
    const subscribeStarted = performance.now();
    await fleet.open(60_000);
    // Registration on the server is asynchronous and unacknowledged: a warm-up event that
    // every subscriber receives proves every subscription is live. A subscriber registered
    // too late for one warm-up event gets the next one.
    let warmUpEvents = 0;
    for (let attempt = 0; attempt < 6 && warmSeenCount < n; attempt++) {
      const lib = await createLibrary(gateway, `bench-warmup-${n}-${attempt}`, attempt % 2 ? "IMAGE" : "VIDEO");
      warmIds.add(lib.id);
      emu.control.activate(lib.backendLibraryId);
      await refreshLibrary(gateway, lib.id);
      warmUpEvents += 1;
      await waitUntil(() => warmSeenCount === n, 10_000, "warm-up").catch(() => {});
    }
    if (fleet.errors.length) throw new Error(`subscriptions failed:\n${fleet.errors.slice(0, 5).join("\n")}`);
    if (warmSeenCount < n) throw new Error(`only ${warmSeenCount} of ${n} subscriptions received a warm-up event`);
    const subscribeMs = performance.now() - subscribeStarted;
    log(`N=${n}: all ${n} subscriptions live after ${Math.round(subscribeMs)} ms (${warmUpEvents} warm-up event(s))`);
    await sleep(1_500);
    const rssAfterKb = rssKb(gateway.pid);
    const heapAfter = await heapUsedBytes(gateway);

    // Rounds.
    const perRound: FanOutResult["perRound"] = [];
    const cpuStart = cpuSeconds(gateway.pid);
    const mainStart = mainThreadCpuSeconds(gateway.pid);
    const loadStart = process.cpuUsage();
    const machineStart = machineTicks();
    const wallStart = performance.now();
    const profileFrom = monotonicUs();
    for (let r = 0; r < ROUNDS; r++) {
      const model = r % 2 === 0 ? "VIDEO" : "IMAGE";
      const lib = await createLibrary(gateway, `bench-round-${n}-${r}`, model);
      roundOf.set(lib.id, r);
      emu.control.activate(lib.backendLibraryId);
      const roundMain = mainThreadCpuSeconds(gateway.pid);
      const roundElu = fleet.utilisation();
      t0[r] = performance.now();
      const status = await refreshLibrary(gateway, lib.id);
      const refreshMs = performance.now() - t0[r];
      if (status !== "ACTIVE") throw new Error(`round ${r}: refresh answered ${status}, expected ACTIVE`);
      await waitUntil(() => delivered[r] >= n, DELIVERY_TIMEOUT_MS, `round ${r}: ${n} deliveries`, 1).catch((error: Error) =>
        log(`N=${n}: ${error.message} (got ${delivered[r]})`),
      );
      const gatewayMainThreadCpuMs = Math.round((mainThreadCpuSeconds(gateway.pid) - roundMain) * 1000);
      const loadGeneratorElu = round2(fleet.utilisationSince(roundElu));
      const mine = latency.slice(r * n, (r + 1) * n).filter((x) => !Number.isNaN(x)).sort();
      perRound.push({
        round: r,
        backend: lib.backend,
        refreshMs: round1(refreshMs),
        firstMs: round1(mine[0] ?? NaN),
        p50Ms: round1(percentile(mine, 0.5)),
        p99Ms: round1(percentile(mine, 0.99)),
        lastMs: round1(mine[mine.length - 1] ?? NaN),
        gatewayMainThreadCpuMs,
        loadGeneratorElu,
      });
      await sleep(50);
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpuStart;
    const mainCpu = mainThreadCpuSeconds(gateway.pid) - mainStart;
    const load = process.cpuUsage(loadStart);
    const machineEnd = machineTicks();
    const machineBusySeconds = (machineEnd.busy - machineStart.busy) / clockTicksPerSecond();
    const otherProcessesCpuPercent = round1(Math.max(0, (100 * (machineBusySeconds - cpu - (load.user + load.system) / 1e6)) / wallSeconds));
    const profileTo = monotonicUs();

    // Late copies (e.g. from the relay's sweep of the event log) would arrive now.
    await sleep(DUPLICATE_WINDOW_MS);
    let missing = 0;
    let duplicates = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) missing += 1;
      else if (counts[i] > 1) duplicates += counts[i] - 1;
    }
    const all = latency.filter((x) => !Number.isNaN(x)).sort();
    const mean = all.reduce((s, x) => s + x, 0) / Math.max(1, all.length);
    const subscriptionErrors = [...fleet.errors];

    await fleet.close();
    fleet = undefined;
    const exit = await stopChild(gateway);
    let profile: ProfileSummary | undefined;
    if (CPU_PROF) {
      const file = newestProfile(gateway.pid);
      if (file) profile = summarizeProfile(file, { fromUs: profileFrom, toUs: profileTo });
      else log(`N=${n}: no CPU profile found for pid ${gateway.pid} (exit ${exit})`);
    }

    return {
      subscribers: n,
      sockets,
      rounds: ROUNDS,
      deliveries: all.length,
      expected: n * ROUNDS,
      missing,
      duplicates,
      unexpectedEvents: unexpected,
      subscriptionErrors,
      latencyMs: {
        p50: round1(percentile(all, 0.5)),
        p90: round1(percentile(all, 0.9)),
        p99: round1(percentile(all, 0.99)),
        max: round1(all[all.length - 1] ?? NaN),
        min: round1(all[0] ?? NaN),
        mean: round1(mean),
      },
      perRound,
      subscribeMs: Math.round(subscribeMs),
      warmUpEvents,
      rssBeforeKb,
      rssAfterKb,
      rssDeltaMb: round1((rssAfterKb - rssBeforeKb) / 1024),
      kbPerSubscriber: round2((rssAfterKb - rssBeforeKb) / n),
      heapDeltaMb: round1((heapAfter - heapBefore) / 1024 / 1024),
      cpuSeconds: round2(cpu),
      mainThreadCpuSeconds: round2(mainCpu),
      wallSeconds: round2(wallSeconds),
      cpuPercent: round1((100 * cpu) / wallSeconds),
      loadGeneratorCpuPercent: round1((100 * (load.user + load.system)) / 1e6 / wallSeconds),
      idleCpuPercent,
      otherProcessesCpuPercent,
      profile,
    };
  } finally {
    await fleet?.close().catch(() => {});
    if (children.has(gateway)) await stopChild(gateway);
  }
}

// ---------------------------------------------------------------- part 2: watcher economy

interface WatcherResult {
  libraries: { total: number; ice: number; mps: number; stillOffline: number };
  seconds: number;
  listCalls: { total: number; byAction: Record<string, number>; byOutcome: Record<string, number> };
  listCallsPerMinute: number;
  idsAsked: number;
  idsPerCall: number;
  distinctIdsAsked: number;
  fullPasses: number;
  minimumCallsPerPass: number;
  idsPerCallHistogram: Record<number, number>;
  proxyListCalls: number;
  cpuSeconds: number;
  cpuPercent: number;
}

async function watcherEconomy(emu: RunningEmulator): Promise<WatcherResult> {
  const file = databaseFile("watcher");
  // Setup: a gateway with its watcher off creates the libraries, so that the measured
  // gateway starts with 1,000 never-checked OFFLINE libraries and default watcher settings.
  emu.control.updateSettings({ qpsLimits: highQps() });
  const setup = await launch(gatewayEnv(file, emu.endpoint, { WATCHER_ENABLED: "false" }));
  let ice = 0;
  let mps = 0;
  try {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < WATCHER_LIBRARIES; i = next++) {
        const lib = await createLibrary(setup, `bench-watch-${i}`, i % 2 === 0 ? "VIDEO" : "IMAGE");
        if (lib.status !== "OFFLINE") throw new Error(`library ${lib.id} was created ${lib.status}, expected OFFLINE`);
        if (lib.backend === "ICE") ice += 1;
        else mps += 1;
      }
    };
    const started = performance.now();
    await withTimeout(Promise.all(Array.from({ length: 16 }, worker)), 300_000, `creating ${WATCHER_LIBRARIES} libraries`);
    log(`watcher: created ${WATCHER_LIBRARIES} libraries (ICE ${ice}, MPS ${mps}) in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await stopChild(setup);
  }

  // The measured part talks to the emulator with its default (documented) QPS limits,
  // through a proxy that counts the ids each List call asks for.
  emu.control.updateSettings({ qpsLimits: { ...DEFAULT_QPS_LIMITS } });
  let counter: ListCallCounter | undefined = await startListCallCounter(emu.port);
  let gateway: GatewayChild | undefined;
  try {
    gateway = await launch(gatewayEnv(file, counter.endpoint, {})); // no WATCHER_* settings: the defaults
    const readyAt = performance.now();
    const cpuStart = cpuSeconds(gateway.pid);
    log(`watcher: gateway pid ${gateway.pid} running its watcher with default settings for ${WATCHER_SECONDS} s`);
    const deadline = readyAt + WATCHER_SECONDS * 1000;
    while (performance.now() < deadline) {
      await sleep(Math.min(1_000, deadline - performance.now()));
      if (gateway.child.exitCode !== null) throw new Error(`the gateway exited during the watcher run:\n${gateway.output.join("\n")}`);
    }
    // The counters start at zero with the process, whose watcher started a few ms before ready.
    const samples = await scrapeMetrics(gateway.url);
    const seconds = (performance.now() - readyAt) / 1000;
    const cpu = cpuSeconds(gateway.pid) - cpuStart;
    const stats = counter.stats();
    const isList = (l: Record<string, string>) => l.action === "ListDNADB" || l.action === "ListFpShotDB";
    const byAction: Record<string, number> = {};
    const byOutcome: Record<string, number> = {};
    for (const s of samples) {
      if (s.name !== "gateway_backend_calls_total" || !isList(s.labels)) continue;
      byAction[s.labels.action] = (byAction[s.labels.action] ?? 0) + s.value;
      byOutcome[s.labels.outcome] = (byOutcome[s.labels.outcome] ?? 0) + s.value;
    }
    const total = Object.values(byAction).reduce((a, b) => a + b, 0);
    const proxyCalls = Object.values(stats.calls).reduce((a, b) => a + b, 0);
    const idsAsked = Object.values(stats.ids).reduce((a, b) => a + b, 0);
    const stillOffline = emu.control
      .state()
      .libraries.filter((l) => l.name.startsWith("bench-watch-") && l.status === "offline").length;
    return {
      libraries: { total: WATCHER_LIBRARIES, ice, mps, stillOffline },
      seconds: round1(seconds),
      listCalls: { total, byAction, byOutcome },
      listCallsPerMinute: round1((total * 60) / seconds),
      idsAsked,
      idsPerCall: round2(idsAsked / Math.max(1, proxyCalls)),
      distinctIdsAsked: stats.distinctIds,
      fullPasses: round2(idsAsked / WATCHER_LIBRARIES),
      minimumCallsPerPass: Math.ceil(ice / 10) + Math.ceil(mps / 10),
      idsPerCallHistogram: stats.idsPerCallHistogram,
      proxyListCalls: proxyCalls,
      cpuSeconds: round2(cpu),
      cpuPercent: round1((100 * cpu) / seconds),
    };
  } finally {
    if (gateway && children.has(gateway)) await stopChild(gateway);
    await counter?.close();
    counter = undefined;
  }
}

/** Which code was measured: the commit, and whether src/ had uncommitted changes (read-only git). */
function sourceVersion(): { commit: string | null; srcDirty: boolean | null } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["--no-optional-locks", "status", "--porcelain", "--", "src"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return { commit, srcDirty: dirty.length > 0 };
  } catch {
    return { commit: null, srcDirty: null };
  }
}

function highQps(): Record<string, number> {
  return Object.fromEntries(Object.keys(DEFAULT_QPS_LIMITS).map((action) => [action, 100_000]));
}

// ---------------------------------------------------------------- report

function markdown(results: FanOutResult[], watcher: WatcherResult | undefined, machine: Record<string, unknown>): string {
  const lines = [
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}. Gateway: one child process, SQLite, in-memory event bus; load generator (${CLIENT_THREADS} subscriber thread(s)) and emulator share the bench process.`,
    "",
    "| N | sockets | deliveries ok/expected | p50 ms | p99 ms | max ms | RSS delta MB | KB per subscriber | CPU s | CPU % |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of results) {
    const flag = r.missing || r.duplicates ? ` (missing ${r.missing}, dup ${r.duplicates})` : "";
    lines.push(
      `| ${r.subscribers.toLocaleString("en-US")} | ${r.sockets} | ${r.deliveries.toLocaleString("en-US")}/${r.expected.toLocaleString("en-US")}${flag} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${r.latencyMs.max} | ${r.rssDeltaMb} | ${r.kbPerSubscriber} | ${r.cpuSeconds} | ${r.cpuPercent} |`,
    );
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
  };
  lines.push(
    "",
    "Where the time goes (medians over the rounds): refresh = the refreshFingerprintLibrary answer; first/last = first and last delivery; main-thread CPU = the gateway's JavaScript thread from the refresh to the last delivery; load-gen ELU = event-loop utilisation of the bench's busiest thread (main or subscriber thread) over that span (1 = the client would be the bottleneck); other processes = CPU that neither the gateway nor the bench used during the rounds (a busy machine makes the latencies worse).",
    "",
    "| N | refresh ms | first delivery ms | last delivery ms | gateway main-thread CPU ms/round | µs per delivery | load-gen ELU (max) | gateway idle CPU % | other processes CPU % | subscribe all ms |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results) {
    const cpuMs = median(r.perRound.map((p) => p.gatewayMainThreadCpuMs));
    lines.push(
      `| ${r.subscribers.toLocaleString("en-US")} | ${median(r.perRound.map((p) => p.refreshMs))} | ${median(r.perRound.map((p) => p.firstMs))} | ${median(r.perRound.map((p) => p.lastMs))} | ${cpuMs} | ${round1((cpuMs * 1000) / r.subscribers)} | ${Math.max(...r.perRound.map((p) => p.loadGeneratorElu))} | ${r.idleCpuPercent} | ${r.otherProcessesCpuPercent} | ${r.subscribeMs} |`,
    );
  }
  if (watcher) {
    lines.push(
      "",
      `Watcher (defaults, ${watcher.libraries.total} OFFLINE libraries: ${watcher.libraries.ice} ICE + ${watcher.libraries.mps} MPS, ${watcher.seconds} s): ` +
        `${watcher.listCalls.total} List calls (${Object.entries(watcher.listCalls.byAction).map(([a, c]) => `${a} ${c}`).join(", ")}; outcomes ${Object.entries(watcher.listCalls.byOutcome).map(([o, c]) => `${o} ${c}`).join(", ")}) = ` +
        `${watcher.listCallsPerMinute} calls/min, ${watcher.idsPerCall} ids per call, ${watcher.fullPasses} full passes ` +
        `(minimum ${watcher.minimumCallsPerPass} calls per pass), gateway CPU ${watcher.cpuSeconds} s (${watcher.cpuPercent} %).`,
    );
  }
  const goal = results.find((r) => r.subscribers === GOAL.subscribers);
  lines.push(
    "",
    goal
      ? `Goal (${GOAL.subscribers.toLocaleString("en-US")} subscribers, p99 < ${GOAL.p99Ms} ms): ${goal.latencyMs.p99 < GOAL.p99Ms && !goal.missing && !goal.duplicates ? "MET" : "NOT MET"} (p99 ${goal.latencyMs.p99} ms).`
      : `Goal (${GOAL.subscribers} subscribers, p99 < ${GOAL.p99Ms} ms): not measured in this run.`,
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const source = sourceVersion();
  const machine = {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
  log(
    `subscribers ${SUBSCRIBER_COUNTS.join(", ")}; ${SOCKETS} sockets max over ${CLIENT_THREADS} load-generator thread(s); ${ROUNDS} rounds; watcher ${WATCHER_SECONDS} s; ${machine.cores} cores; Node ${machine.node}` +
      `${CPU_PROF ? "; CPU profiling ON (latencies are inflated)" : ""}${GATEWAY_NODE_ARGS.length ? `; gateway node flags ${GATEWAY_NODE_ARGS.join(" ")}` : ""}`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (CPU_PROF) mkdirSync(PROFILE_DIR, { recursive: true });

  emulator = await startEmulator({ activationDelayMs: 86_400_000, activationJitterMs: 0, libraryQuota: 100_000, qpsLimits: highQps() });
  log(`emulator at ${emulator.url}`);

  const fanOuts: FanOutResult[] = [];
  for (const n of SUBSCRIBER_COUNTS) {
    emulator.control.updateSettings({ qpsLimits: highQps() });
    const result = await fanOut(emulator, n);
    fanOuts.push(result);
    log(
      `N=${n}: ${result.deliveries}/${result.expected} delivered (missing ${result.missing}, duplicates ${result.duplicates}); ` +
        `p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; ` +
        `RSS +${result.rssDeltaMb} MB (${result.kbPerSubscriber} KB/sub); CPU ${result.cpuSeconds} s (${result.cpuPercent} %)`,
    );
  }
  const watcher = WATCHER_SECONDS > 0 ? await watcherEconomy(emulator) : undefined;

  const table = markdown(fanOuts, watcher, machine);
  console.log(`\n${table}\n`);
  const failures = fanOuts.filter((r) => r.missing > 0 || r.duplicates > 0 || r.unexpectedEvents > 0 || r.subscriptionErrors.length > 0);
  const goal = fanOuts.find((r) => r.subscribers === GOAL.subscribers);
  const report = {
    benchmark: "subscriptions",
    finishedAt: new Date().toISOString(),
    source,
    machine,
    settings: {
      subscribers: SUBSCRIBER_COUNTS,
      maxSockets: SOCKETS,
      loadGeneratorThreads: CLIENT_THREADS,
      rounds: ROUNDS,
      watcherSeconds: WATCHER_SECONDS,
      watcherLibraries: WATCHER_LIBRARIES,
      cpuProfile: CPU_PROF,
      gatewayNodeArgs: GATEWAY_NODE_ARGS,
      gatewayRestartedPerN: true,
      fanOutWatcherTickMs: FANOUT_WATCHER_TICK_MS,
    },
    fanOut: fanOuts,
    watcher,
    createRetries,
    createRetryReasons,
    goal: {
      subscribers: GOAL.subscribers,
      targetP99Ms: GOAL.p99Ms,
      measured: !!goal,
      met: goal ? goal.latencyMs.p99 < GOAL.p99Ms && goal.missing === 0 && goal.duplicates === 0 : null,
      measuredP99Ms: goal?.latencyMs.p99 ?? null,
    },
    ok: failures.length === 0,
    markdown: table,
  };
  // Profiled or re-flagged runs are diagnostics: they must not overwrite the reference figures.
  const out = process.env.BENCH_OUT || join(RESULTS_DIR, CPU_PROF || GATEWAY_NODE_ARGS.length ? "subscriptions.diagnostic.json" : "subscriptions.json");
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${out}`);
  if (CPU_PROF) {
    for (const r of fanOuts) {
      if (!r.profile) continue;
      console.log(`\nCPU profile, N=${r.subscribers}, rounds only (${r.profile.windowed ? "windowed" : "whole run"}): busy ${round1(r.profile.sampledMs - r.profile.idleMs)} ms, GC ${r.profile.gcMs} ms`);
      for (const m of r.profile.topModules.slice(0, 12)) console.log(`  ${String(m.percentOfBusy).padStart(5)} %  ${m.module}`);
      console.log("  top functions:");
      for (const f of r.profile.topFunctions.slice(0, 15)) console.log(`  ${String(f.percentOfBusy).padStart(5)} %  ${f.function}  ${f.where}`);
      console.log("  inclusive (on the stack):");
      for (const f of r.profile.topInclusive.slice(0, 30)) console.log(`  ${String(f.percentOfBusy).padStart(5)} %  ${f.function}  ${f.where}`);
    }
  }
  for (const r of failures) {
    console.error(
      `FAIL N=${r.subscribers}: missing ${r.missing}, duplicates ${r.duplicates}, unexpected events ${r.unexpectedEvents}, subscription errors ${r.subscriptionErrors.length}${r.subscriptionErrors[0] ? ` (${r.subscriptionErrors[0]})` : ""}`,
    );
  }
  return failures.length === 0 ? 0 : 1;
}

async function cleanUp(): Promise<void> {
  await Promise.allSettled([...children].map((child) => stopChild(child)));
  await emulator?.close().catch(() => {});
  for (const file of tempFiles) rmSync(file, { force: true });
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${MAX_MINUTES} minutes (BENCH_MAX_MINUTES); killing the gateway and giving up`);
  for (const child of children) child.child.kill("SIGKILL");
  for (const file of tempFiles) rmSync(file, { force: true });
  process.exit(3);
}, MAX_MINUTES * 60_000);
watchdog.unref();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of children) child.child.kill("SIGKILL");
    for (const file of tempFiles) rmSync(file, { force: true });
    process.exit(130);
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error("bench failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
