/**
 * `npm run bench:submit`: what submitFingerprintJob adds to a job submit. The same
 * sequential submits through the gateway (GraphQL over HTTP: validation, the PENDING row,
 * the signed call, the SUBMITTED row) and directly with the signed client (SubmitDNAJob), with
 * 50 ms added to every SubmitDNAJob on the emulator as a stand-in for the network to Alibaba
 * Cloud. Goal (issue 14): gateway p50 <= 1.05 x direct p50. Writes bench/results/jobs-submit.json.
 *
 * One process: the emulator, the gateway and the clients share it, so the figures include
 * their contention; jobs stay Queuing (no fingerprinting runs).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { ICE_API_VERSION } from "../src/backends/ice-backend.js";
import { SignedRpcClient } from "../src/backends/signed-rpc-client.js";
import { loadConfig } from "../src/config.js";
import { DEFAULT_DEV_ACCOUNT, startEmulator } from "../src/emulator/index.js";
import { startGateway } from "../src/server/gateway.js";

const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 100);
const WARM = 10;
const LATENCY_MS = Number(process.env.BENCH_BACKEND_LATENCY_MS ?? 50);
const RESULTS = fileURLToPath(new URL("../../bench/results/", import.meta.url));

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const r2 = (x: number) => Math.round(x * 100) / 100;
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: r2(pct(s, 0.5)), p99: r2(pct(s, 0.99)), mean: r2(s.reduce((a, b) => a + b, 0) / s.length) };
}

const emulator = await startEmulator({ activationDelayMs: 3_600_000, jobQueueDelayMs: 3_600_000, libraryQuota: 10 });
const dbFile = join(tmpdir(), `fg-bench-submit-${process.pid}.db`);
const gateway = await startGateway(
  loadConfig({
    PORT: "0",
    DATABASE_URL: `file:${dbFile}`,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    // The documented QPS limits would pace the gateway's calls and not the direct ones.
    BACKEND_QPS_LIMIT: "10000",
    RECONCILE_AT_STARTUP: "false",
  }),
  { logger: pino({ level: "silent" }) },
);

async function gql(query: string, variables: Record<string, unknown>) {
  const response = await fetch(gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
  if (body.errors) throw new Error(body.errors[0]!.message);
  return body.data;
}

try {
  const library = (await gql(`mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`, {
    input: { name: "bench-submit", model: "VIDEO" },
  })).createFingerprintLibrary.library;
  emulator.control.activate(library.backendLibraryId);
  await gql(`mutation($id: ID!) { refreshFingerprintLibrary(id: $id) { status } }`, { id: library.id });
  emulator.control.setFault("SubmitDNAJob", { latencyMs: LATENCY_MS });

  const SUBMIT = `mutation($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { job { id backendJobId status } } }`;
  const viaGateway: number[] = [];
  for (let i = 0; i < SUBMITS + WARM; i++) {
    const t0 = performance.now();
    await gql(SUBMIT, { input: { libraryId: library.id, media: { oss: { bucket: "bench", object: `clip-${i}.mp4` } }, mode: "SAVE", primaryKey: `gw-${i}`, idempotencyKey: `bench-${i}` } });
    if (i >= WARM) viaGateway.push(performance.now() - t0);
  }

  const client = new SignedRpcClient({
    version: ICE_API_VERSION,
    target: () => ({ endpoint: emulator.endpoint, protocol: "http" }),
    credentials: DEFAULT_DEV_ACCOUNT,
    connectTimeoutMs: 3000,
    readTimeoutMs: 10000,
    signatureAlgorithm: "v3",
  });
  const direct: number[] = [];
  for (let i = 0; i < SUBMITS + WARM; i++) {
    const t0 = performance.now();
    await client.call("cn-shanghai", "SubmitDNAJob", {
      DBId: library.backendLibraryId,
      PrimaryKey: `direct-${i}`,
      Input: JSON.stringify({ Type: "OSS", Media: `oss://bench/clip-${i}.mp4` }),
      Config: JSON.stringify({ SaveType: "onlysave", MediaType: "video" }),
    });
    if (i >= WARM) direct.push(performance.now() - t0);
  }

  const g = stats(viaGateway);
  const d = stats(direct);
  const result = {
    at: new Date().toISOString(),
    // On a shared machine the figures move with its load: recorded with them.
    machine: { cpus: cpus().length, node: process.version, loadAverage1m: r2(loadavg()[0]!) },
    submits: SUBMITS,
    backendLatencyMs: LATENCY_MS,
    gatewayMs: g,
    directMs: d,
    overheadMs: { p50: r2(g.p50 - d.p50), p99: r2(g.p99 - d.p99), mean: r2(g.mean - d.mean) },
    ratio: { p50: r2(g.p50 / d.p50), p99: r2(g.p99 / d.p99), mean: r2(g.mean / d.mean) },
    goal: "gateway p50 <= 1.05 x direct p50 at the backend latency",
    goalMet: g.p50 / d.p50 <= 1.05,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "jobs-submit.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(`submits at ${LATENCY_MS} ms backend latency: gateway p50 ${g.p50} ms p99 ${g.p99} ms; direct p50 ${d.p50} ms p99 ${d.p99} ms; ratio p50 ${result.ratio.p50} (goal <= 1.05: ${result.goalMet ? "met" : "not met"})`);
  console.log("wrote bench/results/jobs-submit.json");
} finally {
  await gateway.close();
  await emulator.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
}
