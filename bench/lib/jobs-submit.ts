/**
 * The jobs-submit part of `npm run bench` (issue #14, "Measure"): submitFingerprintJob through
 * a gateway child (GraphQL over HTTP) against the same SubmitDNAJob / SubmitFpShotJob sent
 * directly with SignedRpcClient (the gateway's own wrapper of @alicloud/openapi-core), both
 * to the bench's emulator with a fixed latency injected on the submit action, standing in for
 * the round trip to Alibaba Cloud. SAVE mode, a new primary key and idempotency key per
 * submit, media from an object put into the emulator's OSS first.
 *
 * Four paths, sequential and interleaved (each goes first in turn, so a load swing on the
 * shared machine lands on all of them):
 *  - gateway: submitFingerprintJob to the gateway child;
 *  - direct: the same wire parameters with SignedRpcClient from the bench process;
 *  - relay (sdk-relay-child.ts): node:http in, the same SDK call, JSON out. What any HTTP hop
 *    in front of the SDK costs on the machine, the part of the overhead that is not the
 *    gateway's work;
 *  - apolloFloor (apollo-floor-child.ts): the relay plus one Apollo Server 5 execution of a
 *    mutation of the gateway's shape, and nothing else. The floor of the stack the gateway is
 *    built on; the gateway's own work is what it costs over this.
 * The three paths with a hop use one HTTP client (json-poster.ts: node:http by default, the
 * stack the direct path's SDK uses; BENCH_JOB_SUBMIT_CLIENT=fetch for fetch).
 *
 * The emulator runs in a process of its own (emulator-process.ts): in the bench's process its
 * answer reached the direct call inside the same event loop, never waking the client from
 * outside as a real service's answer does, while the gateway path paid that wake-up.
 */
import { loadavg } from "node:os";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { SignedRpcClient } from "../../src/backends/signed-rpc-client.js";
import { ICE_API_VERSION } from "../../src/backends/ice-backend.js";
import { MPS_API_VERSION } from "../../src/backends/mps-backend.js";
import { startApolloFloor, type ApolloFloor } from "./apollo-floor.js";
import { cpuSeconds, mainThreadCpuSeconds, taskCpuMs, type GatewayChild } from "./gateway-child.js";
import { activeLibrary, gatewayEnvFor, startPartEmulator, submitThroughGateway, type JobsSubmitBenchDeps } from "./jobs-submit-setup.js";
import { profileSubmits } from "./jobs-submit-profile.js";
import { jsonPoster, type BenchHttpClient } from "./json-poster.js";
import { startSdkRelay, type SdkRelay } from "./sdk-relay.js";
import { REGION, SUBMIT_ACTION, submitWireParams, type SubmitBackend } from "./submit-wire.js";

export type { JobsSubmitBenchDeps } from "./jobs-submit-setup.js";

export interface JobsSubmitBenchOptions {
  /** Timed submits per backend and path. */
  submits: number;
  /** Untimed submits per backend and path first. */
  warmup: number;
  /** Added by the emulator to every SubmitDNAJob and SubmitFpShotJob. */
  latencyMs: number;
  /** The HTTP client of the paths with a hop (json-poster.ts). */
  client: BenchHttpClient;
  /**
   * After the sequential part (the goal's measure), the same paths again from this many
   * concurrent lanes, `submits` per path in all: a gateway that is never idle for 50 ms, as
   * under production traffic. Reported beside the goal, not instead of it. 0 or 1: skipped.
   */
  lanes?: number;
  /** When set: one more gateway, under --cpu-prof into this folder, runs the same submits (gateway path only), and its profile is summarised. */
  cpuProfileDir?: string;
}

type Stats = { n: number; p50: number; p95: number; mean: number };

const PATHS = ["gateway", "direct", "relay", "apolloFloor"] as const;
type PathName = (typeof PATHS)[number];
type SubmitPath = (i: number) => Promise<void>;
type Times = Record<PathName, number[]>;

const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: r3(pct(s, 0.5)), p95: r3(pct(s, 0.95)), mean: r3(s.reduce((a, b) => a + b, 0) / s.length) };
}

const ratioOf = (a: Stats, b: Stats) => ({ p50: r2(a.p50 / b.p50), p95: r2(a.p95 / b.p95), mean: r2(a.mean / b.mean) });
const overOf = (a: Stats, b: Stats) => ({ p50: r3(a.p50 - b.p50), p95: r3(a.p95 - b.p95), mean: r3(a.mean - b.mean) });
const noTimes = (): Times => ({ gateway: [], direct: [], relay: [], apolloFloor: [] });

/** Every path's figures, each against the direct call, and the gateway against the two floors. */
function compare(times: Times) {
  const [g, d, r, a] = PATHS.map((name) => stats(times[name])) as [Stats, Stats, Stats, Stats];
  return {
    gatewayMs: g,
    directMs: d,
    overheadMs: overOf(g, d),
    ratio: ratioOf(g, d),
    relayMs: r,
    relayRatio: ratioOf(r, d),
    apolloFloorMs: a,
    apolloFloorRatio: ratioOf(a, d),
    gatewayOverRelayMs: overOf(g, r),
    gatewayOverApolloFloorMs: overOf(g, a),
  };
}

/**
 * The paths from `lanes` concurrent lanes, each lane interleaving them like the sequential
 * part (each path first in turn), `submits` timed per path in all, with keys and primary
 * keys of their own (numbered from 1,000,000).
 */
async function submitConcurrently(options: JobsSubmitBenchOptions, paths: Record<PathName, SubmitPath>) {
  const lanes = options.lanes ?? 0;
  if (lanes < 2) return undefined;
  const times = noTimes();
  const perLane = Math.ceil(options.submits / lanes);
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let j = 0; j < perLane; j++) {
        const i = 1_000_000 + lane * perLane + j;
        for (let k = 0; k < PATHS.length; k++) {
          const name = PATHS[(lane + j + k) % PATHS.length]!;
          const t0 = performance.now();
          await paths[name](i);
          times[name].push(performance.now() - t0);
        }
      }
    }),
  );
  return { lanes, ...compare(times) };
}

/**
 * The sequential, interleaved loop the goal is judged on, and the gateway's CPU per submit:
 * over the whole timed loop (/proc ticks: it includes what the gateway spends idle while the
 * other paths run) and during its own submits (all its threads, schedstat).
 */
async function submitSequentially(options: JobsSubmitBenchOptions, paths: Record<PathName, SubmitPath>, gateway: GatewayChild) {
  const times = noTimes();
  let cpu0 = 0;
  let main0 = 0;
  let cpuDuringSubmitsMs = 0;
  for (let i = 0; i < options.warmup + options.submits; i++) {
    if (i === options.warmup) [cpu0, main0] = [cpuSeconds(gateway.pid), mainThreadCpuSeconds(gateway.pid)];
    const timed = i >= options.warmup;
    for (let k = 0; k < PATHS.length; k++) {
      const name = PATHS[(i + k) % PATHS.length]!;
      // The gateway's CPU around its own submit, read outside the timed span (reading takes the bench ~0.1 ms).
      const cpu = timed && name === "gateway" ? taskCpuMs(gateway.pid) : 0;
      const t0 = performance.now();
      await paths[name](i);
      const elapsed = performance.now() - t0;
      if (!timed) continue;
      times[name].push(elapsed);
      if (name === "gateway") cpuDuringSubmitsMs += taskCpuMs(gateway.pid) - cpu;
    }
  }
  const cpuMsPerSubmit = {
    process: r2(((cpuSeconds(gateway.pid) - cpu0) * 1000) / options.submits),
    mainThread: r2(((mainThreadCpuSeconds(gateway.pid) - main0) * 1000) / options.submits),
    duringSubmit: r2(cpuDuringSubmitsMs / options.submits),
  };
  return { times, cpuMsPerSubmit };
}

export async function benchJobsSubmit(deps: JobsSubmitBenchDeps, options: JobsSubmitBenchOptions) {
  const { log } = deps;
  const post = jsonPoster(options.client);
  const emulator = await startPartEmulator();
  const hop = { endpoint: emulator.endpoint, region: REGION, credentials: DEFAULT_DEV_ACCOUNT, post };
  let relay: SdkRelay | undefined;
  let floor: ApolloFloor | undefined;
  let gateway: GatewayChild | undefined;
  const perBackend: Record<string, unknown> = {};
  let cpuProfile: Awaited<ReturnType<typeof profileSubmits>> | undefined;
  const load: number[] = [loadavg()[0]];
  try {
    relay = await startSdkRelay(hop);
    floor = await startApolloFloor(hop);
    gateway = await deps.launch(gatewayEnvFor(deps, emulator, "jobs-submit"));
    for (const backend of ["ICE", "MPS"] as const) {
      const library = await activeLibrary(deps, emulator, gateway, post, backend, "timed");
      await floor.register(library.backendLibraryId, backend);
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
      const [timedGateway, timedRelay, timedFloor] = [gateway, relay, floor];
      const paths: Record<PathName, SubmitPath> = {
        gateway: (i) => submitThroughGateway(deps, timedGateway, post, backend, library.id, String(i)),
        direct: async (i) => expectJobId("direct", backend, await client.call(REGION, SUBMIT_ACTION[backend], submitWireParams(backend, library.backendLibraryId, `direct-${i}`))),
        relay: async (i) => expectJobId("relayed", backend, await timedRelay.call(version, SUBMIT_ACTION[backend], submitWireParams(backend, library.backendLibraryId, `relay-${i}`))),
        apolloFloor: (i) => timedFloor.submit(library.backendLibraryId, `floor-${i}`, `${deps.runId}-floor-${backend}-${i}`),
      };

      log(`jobs-submit ${backend}: ${options.warmup} untimed + ${options.submits} timed submits on each path (${PATHS.join(", ")}; client ${options.client}), interleaved, ${options.latencyMs} ms on ${SUBMIT_ACTION[backend]}`);
      await emulator.setFault(SUBMIT_ACTION[backend], { latencyMs: options.latencyMs });
      let sequential: Awaited<ReturnType<typeof submitSequentially>>;
      let concurrent: Awaited<ReturnType<typeof submitConcurrently>>;
      try {
        sequential = await submitSequentially(options, paths, timedGateway);
        concurrent = await submitConcurrently(options, paths);
      } finally {
        await emulator.clearFault(SUBMIT_ACTION[backend]);
      }
      load.push(loadavg()[0]);
      const result = { action: SUBMIT_ACTION[backend], model: library.model, ...compare(sequential.times), gatewayCpuMsPerSubmit: sequential.cpuMsPerSubmit, concurrent };
      perBackend[backend] = { ...result, goalMet: result.ratio.p50 <= 1.05 };
      if (concurrent) log(`jobs-submit ${backend}, ${concurrent.lanes} lanes: ratio p50 ${concurrent.ratio.p50} (relay ${concurrent.relayRatio.p50}, Apollo floor ${concurrent.apolloFloorRatio.p50})`);
      log(
        `jobs-submit ${backend}: p50 gateway ${result.gatewayMs.p50}, direct ${result.directMs.p50}, relay ${result.relayMs.p50}, Apollo floor ${result.apolloFloorMs.p50} ms; ` +
          `ratio p50 ${result.ratio.p50} (relay ${result.relayRatio.p50}, Apollo floor ${result.apolloFloorRatio.p50}); gateway CPU ${sequential.cpuMsPerSubmit.duringSubmit} ms/submit`,
      );
    }
    await deps.stop(gateway);
    gateway = undefined;
    if (options.cpuProfileDir) cpuProfile = await profileSubmits(deps, emulator, post, options, options.cpuProfileDir);
  } finally {
    if (gateway) await deps.stop(gateway);
    await relay?.close();
    await floor?.close();
    await emulator.close();
  }
  return {
    backendLatencyMs: options.latencyMs,
    submits: options.submits,
    warmupSubmitsExcluded: options.warmup,
    httpClient: options.client,
    loadAverage1mDuring: load.map(r2),
    backends: perBackend,
    goal: "submit overhead through the gateway vs the direct SDK call at 50 ms backend latency <= 1.05x (p50)",
    goalMet: Object.values(perBackend).every((b) => (b as { goalMet: boolean }).goalMet),
    cpuProfile,
    cpuNotes:
      "gatewayCpuMsPerSubmit: process and mainThread are the gateway child's CPU (/proc stat ticks) over the whole timed loop divided by the submits, so they include what it spends idle meanwhile (timers, the event sweep, GC) while the other paths run; duringSubmit is its CPU (all threads, schedstat) from just before to just after each of its own submits, which the other paths do not change.",
    notes:
      "Sequential and interleaved (gateway, direct, relay, apolloFloor; each goes first in turn); the goal is judged on this part. Then, per backend, `concurrent`: the same paths from `lanes` concurrent lanes (BENCH_JOB_SUBMIT_LANES), the gateway never idle for long, reported beside the goal. " +
      "Gateway: submitFingerprintJob over HTTP (SAVE, a new primaryKey and idempotencyKey each, media.oss an object put into the emulator's OSS first) to a gateway child (SQLite, watcher and start-up reconcile off, BACKEND_QPS_LIMIT=10000) on an ACTIVE library (VIDEO -> ICE, IMAGE -> MPS). " +
      "Direct: the same SubmitDNAJob / SubmitFpShotJob wire parameters with SignedRpcClient (@alicloud/openapi-core, ACS3, region in x-acs-region-id as the gateway sends it) from the bench process. " +
      "Relay: the same wire parameters POSTed to a bare node:http process that makes the same SignedRpcClient call and answers its JSON (bench/lib/sdk-relay-child.ts): relayRatio is what any HTTP hop in front of the SDK costs on this machine. " +
      "apolloFloor: the gateway's mutation, input and selection sent to a bare Apollo Server 5 (node:http, executeHTTPGraphQLRequest, SDL schema) whose resolver makes the same SDK call, with no database, authentication, type-graphql or plugins (bench/lib/apollo-floor-child.ts): apolloFloorRatio is the floor of the gateway's stack, gatewayOverApolloFloorMs the gateway's own work. " +
      "httpClient: the client of the three paths with a hop, node (node:http, keep-alive, as the SDK's own calls) or fetch. " +
      "The emulator runs in its own process (its QPS limits lifted for the part's actions), delays every submit of that action by backendLatencyMs, and its job queues are paused so no media is analysed.",
  };
}

function expectJobId(path: string, backend: SubmitBackend, body: Record<string, unknown>): void {
  if (typeof body.JobId !== "string") throw new Error(`${path} ${SUBMIT_ACTION[backend]} answered without a JobId`);
}
