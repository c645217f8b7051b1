/**
 * What the jobs-submit part's timed run and its profiled run share: the part's own emulator,
 * the gateway child's settings, an ACTIVE library per backend, and one submit through the
 * gateway.
 */
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { startEmulatorProcess, type EmulatorProcess } from "./emulator-process.js";
import { graphqlData, type GatewayChild } from "./gateway-child.js";
import type { JsonPoster } from "./json-poster.js";
import { BUCKET, OBJECT, REGION, type SubmitBackend } from "./submit-wire.js";

export interface JobsSubmitBenchDeps {
  launch(env: Record<string, string>, nodeArgs?: string[]): Promise<GatewayChild>;
  stop(child: GatewayChild): Promise<void>;
  /** The gateway child's settings; the part sets ICE_ENDPOINT and MPS_ENDPOINT to its own emulator in `extra`. */
  gatewayEnv(databaseFile: string, extra?: Record<string, string>): Record<string, string>;
  dbFile(label: string): string;
  log(line: string): void;
  runId: string;
}

export interface ActiveLibrary {
  id: string;
  backendLibraryId: string;
  model: string;
}

const SUBMIT = `mutation BenchSubmit($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { replayed job { id backendJobId status primaryKey } } }`;
export const CREATE = `mutation BenchCreate($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`;
const REFRESH = `mutation BenchRefresh($id: ID!) { refreshFingerprintLibrary(id: $id) { id status } }`;

/**
 * The part's own emulator, in a child process, with the bench's object in its OSS and its job
 * queues paused (what is timed is the submit, not the emulator fingerprinting media). Its QPS
 * limits are lifted for the actions the part calls back to back: the profiled run sends
 * submits and creates as fast as they complete, and Throttling answers (which the gateway
 * retries after a back-off) would be timed as the gateway's.
 */
export async function startPartEmulator(): Promise<EmulatorProcess> {
  const unthrottled = ["SubmitDNAJob", "SubmitFpShotJob", "CreateDNADB", "ListDNADB", "CreateFpShotDB", "ListFpShotDB"];
  const emulator = await startEmulatorProcess({
    libraryQuota: 1_000_000,
    activationDelayMs: 24 * 3600 * 1000,
    activationJitterMs: 0,
    qpsLimits: Object.fromEntries(unthrottled.map((action) => [action, 100_000])),
  });
  await emulator.pauseQueue("ice");
  await emulator.pauseQueue("mps");
  await emulator.writeObject(DEFAULT_DEV_ACCOUNT.accessKeyId, `oss-${REGION}`, BUCKET, OBJECT, Buffer.alloc(64 * 1024, 7), "video/mp4");
  return emulator;
}

/** The gateway child's settings, pointed at the part's emulator (RECONCILE_AT_STARTUP=false and BACKEND_QPS_LIMIT=10000 as in the creates part). */
export function gatewayEnvFor(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, label: string, extra: Record<string, string> = {}) {
  return deps.gatewayEnv(deps.dbFile(label), {
    BACKEND_QPS_LIMIT: "10000",
    RECONCILE_AT_STARTUP: "false",
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    ...extra,
  });
}

/** An ACTIVE library of the backend, made through the gateway and activated on the emulator. */
export async function activeLibrary(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, gateway: GatewayChild, post: JsonPoster, backend: SubmitBackend, label: string): Promise<ActiveLibrary> {
  const model = backend === "ICE" ? "VIDEO" : "IMAGE";
  const created = await postGraphql(post, gateway, CREATE, { input: { name: `jobs-bench-${label}-${backend.toLowerCase()}`, model, backend, idempotencyKey: `${deps.runId}-${label}-lib-${backend}` } });
  const library = created.createFingerprintLibrary.library as { id: string; backendLibraryId: string };
  await emulator.activate(library.backendLibraryId);
  const refreshed = await postGraphql(post, gateway, REFRESH, { id: library.id });
  if (refreshed.refreshFingerprintLibrary.status !== "ACTIVE") throw new Error(`${backend} library did not turn ACTIVE`);
  return { ...library, model };
}

/** submitFingerprintJob, SAVE of the bench's object with a new primary key and idempotency key: it must make a new job. */
export async function submitThroughGateway(deps: JobsSubmitBenchDeps, gateway: GatewayChild, post: JsonPoster, backend: SubmitBackend, libraryId: string, key: string): Promise<void> {
  const input = { libraryId, mode: "SAVE", primaryKey: `gw-${key}`, media: { oss: { bucket: BUCKET, object: OBJECT } }, idempotencyKey: `${deps.runId}-${backend}-${key}` };
  const data = await postGraphql(post, gateway, SUBMIT, { input });
  const answer = data.submitFingerprintJob as { replayed: boolean; job: { backendJobId: string } };
  if (answer.replayed || !answer.job.backendJobId) throw new Error(`${backend} submit ${key} was not a new submitted job`);
}

/** One GraphQL request to the gateway child with the part's client. */
export async function postGraphql(post: JsonPoster, gateway: GatewayChild, query: string, variables: Record<string, unknown>): Promise<any> {
  const { status, body } = await post(gateway.graphqlUrl, { query, variables });
  return graphqlData(status, body);
}
