/**
 * The jobs-submit part of `npm run bench` (issue #14, "Measure"): submitFingerprintJob through
 * a gateway child (GraphQL over HTTP) against the same SubmitDNAJob / SubmitFpShotJob sent
 * directly with SignedRpcClient (the gateway's own wrapper of @alicloud/openapi-core), both
 * to the bench's emulator with a fixed latency injected on the submit action, standing in for
 * the round trip to Alibaba Cloud. SAVE mode, a new primary key and idempotency key per
 * submit, media from an object put into the emulator's OSS first.
 *
 * Sequential like the creates part, but interleaved (gateway, direct, relay, then the next
 * submit starting one further along) rather than one block after the other: the machine is
 * shared, and a load swing between two blocks would land on one side only.
 *
 * The emulator runs in a process of its own (emulator-process.ts): in the bench's process its
 * answer reached the direct call inside the same event loop, never waking the client from
 * outside as a real service's answer does, while the gateway path paid that wake-up. A third
 * path, the relay (sdk-relay-child.ts: node:http in, the same SignedRpcClient call, JSON out),
 * measures what any HTTP hop in front of the SDK costs on the machine: the part of the
 * overhead that is not the gateway's own work.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { SignedRpcClient, type RpcParams } from "../../src/backends/signed-rpc-client.js";
import { ICE_API_VERSION } from "../../src/backends/ice-backend.js";
import { MPS_API_VERSION } from "../../src/backends/mps-backend.js";
import { MEDIA_TYPE_WORDS, SAVE_TYPES } from "../../src/domain/job.js";
import { summarizeProfile } from "./cpu-profile.js";
import { startEmulatorProcess, type EmulatorProcess } from "./emulator-process.js";
import { startSdkRelay } from "./sdk-relay.js";
import { ROOT, cpuSeconds, graphql, mainThreadCpuSeconds, sleep, taskCpuMs, type GatewayChild } from "./gateway-child.js";

export interface JobsSubmitBenchDeps {
  launch(env: Record<string, string>, nodeArgs?: string[]): Promise<GatewayChild>;
  stop(child: GatewayChild): Promise<void>;
  /** The gateway child's settings; the part sets ICE_ENDPOINT and MPS_ENDPOINT to its own emulator in `extra`. */
  gatewayEnv(databaseFile: string, extra?: Record<string, string>): Record<string, string>;
  dbFile(label: string): string;
  log(line: string): void;
  runId: string;
}

export interface JobsSubmitBenchOptions {
  /** Timed submits per backend and path. */
  submits: number;
  /** Untimed submits per backend and path first. */
  warmup: number;
  /** Added by the emulator to every SubmitDNAJob and SubmitFpShotJob. */
  latencyMs: number;
  /**
   * After the sequential part (the goal's measure), the same three paths again from this many
   * concurrent lanes, `submits` per path in all: a gateway that is never idle for 50 ms, as
   * under production traffic. Reported beside the goal, not instead of it. 0 or 1: skipped.
   */
  lanes?: number;
  /** When set: one more gateway, under --cpu-prof into this folder, runs the same submits (gateway path only), and its profile is summarised. */
  cpuProfileDir?: string;
}

type Stats = { n: number; p50: number; p95: number; mean: number };

const REGION = "cn-shanghai";
const BUCKET = "bench-media";
const OBJECT = "clips/bench-submit.mp4";
const SUBMIT_ACTION = { ICE: "SubmitDNAJob", MPS: "SubmitFpShotJob" } as const;

const SUBMIT = `mutation BenchSubmit($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { replayed job { id backendJobId status primaryKey } } }`;
const CREATE = `mutation BenchCreate($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`;
const REFRESH = `mutation BenchRefresh($id: ID!) { refreshFingerprintLibrary(id: $id) { id status } }`;

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: r3(pct(s, 0.5)), p95: r3(pct(s, 0.95)), mean: r3(s.reduce((a, b) => a + b, 0) / s.length) };
}

function compare(g: Stats, d: Stats) {
  return {
    gatewayMs: g,
    directMs: d,
    overheadMs: { p50: r3(g.p50 - d.p50), p95: r3(g.p95 - d.p95), mean: r3(g.mean - d.mean) },
    ratio: { p50: r2(g.p50 / d.p50), p95: r2(g.p95 / d.p95), mean: r2(g.mean / d.mean) },
  };
}

type SubmitPath = (i: number) => Promise<void>;

/**
 * The three paths from `lanes` concurrent lanes, each lane interleaving them like the
 * sequential part (each path first in turn), `submits` timed per path in all, with keys and
 * primary keys of their own (numbered from 1,000,000).
 */
async function submitConcurrently(options: JobsSubmitBenchOptions, paths: readonly [SubmitPath, SubmitPath, SubmitPath]) {
  const lanes = options.lanes ?? 0;
  if (lanes < 2) return undefined;
  const times: [number[], number[], number[]] = [[], [], []];
  const perLane = Math.ceil(options.submits / lanes);
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let j = 0; j < perLane; j++) {
        const i = 1_000_000 + lane * perLane + j;
        for (let k = 0; k < 3; k++) {
          const which = (lane + j + k) % 3;
          const t0 = performance.now();
          await paths[which]!(i);
          times[which].push(performance.now() - t0);
        }
      }
    }),
  );
  const [g, d, r] = times.map(stats);
  return { lanes, ...compare(g!, d!), relayMs: r!, relayRatio: { p50: r2(r!.p50 / d!.p50), p95: r2(r!.p95 / d!.p95), mean: r2(r!.mean / d!.mean) } };
}

/** The wire parameters ice-content.ts / mps-content.ts send for a SAVE of the bench's OSS object. */
function directParams(backend: "ICE" | "MPS", backendLibraryId: string, primaryKey: string): RpcParams {
  if (backend === "ICE") {
    return {
      DBId: backendLibraryId,
      PrimaryKey: primaryKey,
      Input: JSON.stringify({ Type: "OSS", Media: `oss://${BUCKET}/${OBJECT}` }),
      Config: JSON.stringify({ SaveType: SAVE_TYPES.SAVE, MediaType: MEDIA_TYPE_WORDS.VIDEO }),
    };
  }
  return {
    Input: JSON.stringify({ Bucket: BUCKET, Location: `oss-${REGION}`, Object: encodeURIComponent(OBJECT) }),
    FpShotConfig: JSON.stringify({ FpDBId: backendLibraryId, PrimaryKey: primaryKey, SaveType: SAVE_TYPES.SAVE, SimilarityThreshold: 0.8 }),
  };
}

/**
 * The part's own emulator, in a child process. Its QPS limits are lifted for the actions the
 * part calls back to back: the profiled run sends submits and creates as fast as they
 * complete, and Throttling answers (which the gateway retries after a back-off) would be
 * timed as the gateway's.
 */
function startPartEmulator(): Promise<EmulatorProcess> {
  const unthrottled = ["SubmitDNAJob", "SubmitFpShotJob", "CreateDNADB", "ListDNADB", "CreateFpShotDB", "ListFpShotDB"];
  return startEmulatorProcess({
    libraryQuota: 1_000_000,
    activationDelayMs: 24 * 3600 * 1000,
    activationJitterMs: 0,
    qpsLimits: Object.fromEntries(unthrottled.map((action) => [action, 100_000])),
  });
}

/** The gateway child's settings, pointed at the part's emulator. */
function gatewayEnvFor(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, label: string, extra: Record<string, string> = {}) {
  return deps.gatewayEnv(deps.dbFile(label), {
    BACKEND_QPS_LIMIT: "10000",
    RECONCILE_AT_STARTUP: "false",
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    ...extra,
  });
}

/** An ACTIVE library of the backend, made through the gateway and activated on the emulator. */
async function activeLibrary(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, gateway: GatewayChild, backend: "ICE" | "MPS", label: string) {
  const model = backend === "ICE" ? "VIDEO" : "IMAGE";
  const created = await graphql(gateway.graphqlUrl, CREATE, { input: { name: `jobs-bench-${label}-${backend.toLowerCase()}`, model, backend, idempotencyKey: `${deps.runId}-${label}-lib-${backend}` } });
  const library = created.createFingerprintLibrary.library as { id: string; backendLibraryId: string };
  await emulator.activate(library.backendLibraryId);
  const refreshed = await graphql(gateway.graphqlUrl, REFRESH, { id: library.id });
  if (refreshed.refreshFingerprintLibrary.status !== "ACTIVE") throw new Error(`${backend} library did not turn ACTIVE`);
  return { ...library, model };
}

async function submitThroughGateway(deps: JobsSubmitBenchDeps, gateway: GatewayChild, backend: "ICE" | "MPS", libraryId: string, key: string) {
  const input = { libraryId, mode: "SAVE", primaryKey: `gw-${key}`, media: { oss: { bucket: BUCKET, object: OBJECT } }, idempotencyKey: `${deps.runId}-${backend}-${key}` };
  const data = await graphql(gateway.graphqlUrl, SUBMIT, { input });
  const answer = data.submitFingerprintJob as { replayed: boolean; job: { backendJobId: string } };
  if (answer.replayed || !answer.job.backendJobId) throw new Error(`${backend} submit ${key} was not a new submitted job`);
}

export async function benchJobsSubmit(deps: JobsSubmitBenchDeps, options: JobsSubmitBenchOptions) {
  const { log } = deps;
  const emulator = await startPartEmulator();
  let relay: Awaited<ReturnType<typeof startSdkRelay>> | undefined;
  let gateway: GatewayChild | undefined;
  const perBackend: Record<string, unknown> = {};
  let cpuProfile: Awaited<ReturnType<typeof profileSubmits>> | undefined;
  const load: number[] = [loadavg()[0]];
  try {
    // Jobs stay Queuing: what is timed is the submit, not the emulator fingerprinting media.
    await emulator.pauseQueue("ice");
    await emulator.pauseQueue("mps");
    await emulator.writeObject(DEFAULT_DEV_ACCOUNT.accessKeyId, `oss-${REGION}`, BUCKET, OBJECT, Buffer.alloc(64 * 1024, 7), "video/mp4");
    relay = await startSdkRelay({ endpoint: emulator.endpoint, region: REGION, credentials: DEFAULT_DEV_ACCOUNT });
    // RECONCILE_AT_STARTUP=false and BACKEND_QPS_LIMIT=10000 as in the creates part.
    gateway = await deps.launch(gatewayEnvFor(deps, emulator, "jobs-submit"));
    for (const backend of ["ICE", "MPS"] as const) {
      const library = await activeLibrary(deps, emulator, gateway, backend, "timed");
      const model = library.model;
      const version = backend === "ICE" ? ICE_API_VERSION : MPS_API_VERSION;

      const client = new SignedRpcClient({
        version,
        // The gateway's target for a local endpoint: the region travels in x-acs-region-id (backends/index.ts endpointFor).
        target: () => ({ endpoint: emulator.endpoint, protocol: "http", regionHeader: REGION }),
        credentials: DEFAULT_DEV_ACCOUNT,
        connectTimeoutMs: 3000,
        readTimeoutMs: 10000,
        signatureAlgorithm: "v3",
      });
      const timedGateway = gateway;
      const viaGateway = (i: number) => submitThroughGateway(deps, timedGateway, backend, library.id, String(i));
      const direct = async (i: number) => {
        const body = await client.call(REGION, SUBMIT_ACTION[backend], directParams(backend, library.backendLibraryId, `direct-${i}`));
        if (typeof body.JobId !== "string") throw new Error(`direct ${SUBMIT_ACTION[backend]} answered without a JobId`);
      };
      const relayed = async (i: number) => {
        const body = await relay!.call(version, SUBMIT_ACTION[backend], directParams(backend, library.backendLibraryId, `relay-${i}`));
        if (typeof body.JobId !== "string") throw new Error(`relayed ${SUBMIT_ACTION[backend]} answered without a JobId`);
      };

      log(`jobs-submit ${backend}: ${options.warmup} untimed + ${options.submits} timed submits each way (gateway, direct, relay), interleaved, ${options.latencyMs} ms on ${SUBMIT_ACTION[backend]}`);
      await emulator.setFault(SUBMIT_ACTION[backend], { latencyMs: options.latencyMs });
      const gw: number[] = [];
      const dr: number[] = [];
      const rl: number[] = [];
      const paths = [[viaGateway, gw], [direct, dr], [relayed, rl]] as const;
      let cpu0 = 0;
      let main0 = 0;
      let cpuDuringSubmitsMs = 0;
      let concurrent: Awaited<ReturnType<typeof submitConcurrently>>;
      let cpuMsPerSubmit: { process: number; mainThread: number; duringSubmit: number };
      try {
        for (let i = 0; i < options.warmup + options.submits; i++) {
          if (i === options.warmup) [cpu0, main0] = [cpuSeconds(timedGateway.pid), mainThreadCpuSeconds(timedGateway.pid)];
          const timed = i >= options.warmup;
          // Each path goes first, second and third in turn.
          for (let k = 0; k < paths.length; k++) {
            const [path, times] = paths[(i + k) % paths.length];
            // The gateway's CPU around its own submit, read outside the timed span (reading takes the bench ~0.1 ms).
            const cpu = timed && path === viaGateway ? taskCpuMs(timedGateway.pid) : 0;
            const t0 = performance.now();
            await path(i);
            const elapsed = performance.now() - t0;
            if (!timed) continue;
            times.push(elapsed);
            if (path === viaGateway) cpuDuringSubmitsMs += taskCpuMs(timedGateway.pid) - cpu;
          }
        }
        // Read before the concurrent part, which is not divided into these.
        cpuMsPerSubmit = {
          process: r2(((cpuSeconds(timedGateway.pid) - cpu0) * 1000) / options.submits),
          mainThread: r2(((mainThreadCpuSeconds(timedGateway.pid) - main0) * 1000) / options.submits),
          duringSubmit: r2(cpuDuringSubmitsMs / options.submits),
        };
        concurrent = await submitConcurrently(options, [viaGateway, direct, relayed]);
      } finally {
        await emulator.clearFault(SUBMIT_ACTION[backend]);
      }
      load.push(loadavg()[0]);
      const [g, d, r] = [stats(gw), stats(dr), stats(rl)];
      const result = {
        action: SUBMIT_ACTION[backend],
        model,
        ...compare(g, d),
        relayMs: r,
        relayRatio: { p50: r2(r.p50 / d.p50), p95: r2(r.p95 / d.p95), mean: r2(r.mean / d.mean) },
        gatewayOverRelayMs: { p50: r3(g.p50 - r.p50), p95: r3(g.p95 - r.p95), mean: r3(g.mean - r.mean) },
        gatewayCpuMsPerSubmit: cpuMsPerSubmit,
        concurrent,
      };
      perBackend[backend] = { ...result, goalMet: result.ratio.p50 <= 1.05 };
      if (concurrent) log(`jobs-submit ${backend}, ${concurrent.lanes} lanes: gateway p50 ${concurrent.gatewayMs.p50} ms, direct p50 ${concurrent.directMs.p50} ms, relay p50 ${concurrent.relayMs.p50} ms; ratio p50 ${concurrent.ratio.p50} (relay ${concurrent.relayRatio.p50})`);
      log(
        `jobs-submit ${backend}: gateway p50 ${g.p50} p95 ${g.p95} mean ${g.mean} ms; direct p50 ${d.p50} p95 ${d.p95} mean ${d.mean} ms; ` +
          `relay p50 ${r.p50} ms; ratio p50 ${result.ratio.p50} (relay ${result.relayRatio.p50}); gateway CPU ${cpuMsPerSubmit.process} ms/submit`,
      );
    }
    await deps.stop(gateway);
    gateway = undefined;
    if (options.cpuProfileDir) cpuProfile = await profileSubmits(deps, emulator, options, options.cpuProfileDir);
  } finally {
    if (gateway) await deps.stop(gateway);
    await relay?.close();
    await emulator.close();
  }
  return {
    backendLatencyMs: options.latencyMs,
    submits: options.submits,
    warmupSubmitsExcluded: options.warmup,
    loadAverage1mDuring: load.map(r2),
    backends: perBackend,
    goal: "submit overhead through the gateway vs the direct SDK call at 50 ms backend latency <= 1.05x (p50)",
    goalMet: Object.values(perBackend).every((b) => (b as { goalMet: boolean }).goalMet),
    cpuProfile,
    cpuNotes:
      "gatewayCpuMsPerSubmit: process and mainThread are the gateway child's CPU (/proc stat ticks) over the whole timed loop divided by the submits, so they include what it spends idle meanwhile (timers, the event sweep, GC) while the direct and relay calls run; duringSubmit is its CPU (all threads, schedstat) from just before to just after each of its own submits, which the other paths do not change.",
    notes:
      "Sequential and interleaved (gateway, direct, relay; each goes first in turn); the goal is judged on this part. Then, per backend, `concurrent`: the same three paths from `lanes` concurrent lanes (BENCH_JOB_SUBMIT_LANES), the gateway never idle for long, reported beside the goal. Gateway: submitFingerprintJob over HTTP (fetch; SAVE, a new primaryKey and idempotencyKey each, media.oss an object put into the emulator's OSS first) to a gateway child (SQLite, watcher and start-up reconcile off, BACKEND_QPS_LIMIT=10000) on an ACTIVE library (VIDEO -> ICE, IMAGE -> MPS). Direct: the same SubmitDNAJob / SubmitFpShotJob wire parameters with SignedRpcClient (@alicloud/openapi-core, ACS3, region in x-acs-region-id as the gateway sends it) from the bench process. Relay: the same wire parameters POSTed with fetch to a bare node:http process that makes the same SignedRpcClient call and answers its JSON (bench/lib/sdk-relay-child.ts): relayRatio is what any HTTP hop in front of the SDK costs on this machine, gatewayOverRelayMs the gateway's own work. The emulator runs in its own process (its QPS limits lifted for the part's actions), delays every submit of that action by backendLatencyMs, and its job queues are paused so no media is analysed.",
  };
}

/** Statement counts of a gateway child preloaded with sqlite-statement-counter.ts. */
async function statementCounts(gateway: GatewayChild, file: string, after: number): Promise<{ seq: number; executed: Record<string, number>; prepared: Record<string, number> }> {
  gateway.child.kill("SIGUSR2");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const counts = JSON.parse(readFileSync(file, "utf8"));
      if (counts.seq > after) return counts;
    } catch {
      // not written yet
    }
    await sleep(20);
  }
  throw new Error("the gateway child did not write its statement counts");
}

/** Per request: what ran between two snapshots, divided by the number of requests. */
function perRequest(before: Record<string, number>, after: Record<string, number>, requests: number) {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d > 0) {
      out[key] = r2(d / requests);
      total += d;
    }
  }
  return { total: r2(total / requests), byStatement: out };
}

/**
 * The same submits (gateway path only, no injected latency: it adds no CPU) through one more
 * gateway, under --cpu-prof and with every SQLite statement it runs counted
 * (sqlite-statement-counter.ts): the profile covers the submits alone; the counts are per
 * ICE submit, per MPS submit and, for comparison, per createFingerprintLibrary (VIDEO -> ICE)
 * on the same gateway.
 */
async function profileSubmits(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, options: JobsSubmitBenchOptions, dir: string) {
  mkdirSync(dir, { recursive: true });
  const name = `jobs-submit.${Date.now()}.cpuprofile`;
  const countsFile = join(dir, `jobs-submit-statements.${process.pid}.json`);
  deps.log(`jobs-submit: one more gateway under --cpu-prof with its SQLite statements counted, ${options.submits} submits per backend, then ${options.submits} creates`);
  const gateway = await deps.launch(
    gatewayEnvFor(deps, emulator, "jobs-submit-prof", { SQLITE_COUNTER_FILE: countsFile }),
    [`--import=${pathToFileURL(join(ROOT, "dist", "bench", "lib", "sqlite-statement-counter.js")).href}`, "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  );
  let fromUs = 0;
  let toUs = 0;
  const statements: Record<string, unknown> = {};
  try {
    const libraries = { ICE: await activeLibrary(deps, emulator, gateway, "ICE", "prof"), MPS: await activeLibrary(deps, emulator, gateway, "MPS", "prof") };
    for (const backend of ["ICE", "MPS"] as const) for (let i = 0; i < options.warmup; i++) await submitThroughGateway(deps, gateway, backend, libraries[backend].id, `prof-warm-${i}`);
    let counts = await statementCounts(gateway, countsFile, 0);
    fromUs = Number(process.hrtime.bigint() / 1000n);
    for (const backend of ["ICE", "MPS"] as const) {
      for (let i = 0; i < options.submits; i++) await submitThroughGateway(deps, gateway, backend, libraries[backend].id, `prof-${i}`);
      const next = await statementCounts(gateway, countsFile, counts.seq);
      statements[`submitFingerprintJob ${backend}`] = { executed: perRequest(counts.executed, next.executed, options.submits), prepared: perRequest(counts.prepared, next.prepared, options.submits) };
      counts = next;
    }
    toUs = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < options.submits; i++) {
      const input = { name: `jobs-bench-create-${i}`, model: "VIDEO", backend: "ICE", idempotencyKey: `${deps.runId}-prof-create-${i}` };
      await graphql(gateway.graphqlUrl, CREATE, { input });
    }
    const next = await statementCounts(gateway, countsFile, counts.seq);
    statements["createFingerprintLibrary ICE"] = { executed: perRequest(counts.executed, next.executed, options.submits), prepared: perRequest(counts.prepared, next.prepared, options.submits) };
  } finally {
    await deps.stop(gateway);
    rmSync(countsFile, { force: true });
  }
  const file = readdirSync(dir).find((f) => f === name);
  const summary = file ? summarizeProfile(join(dir, file), { fromUs, toUs }, 25) : null;
  const submits = options.submits * 2;
  return {
    submits,
    sqliteStatementsPerRequest: statements,
    // Wall time the JavaScript thread was not idle: on a loaded machine this includes time the
    // process was waiting for a core, so use the percentages, not the milliseconds.
    profile: summary && { busyWallMsPerSubmit: r2((summary.sampledMs - summary.idleMs) / submits), ...summary },
  };
}
