/**
 * Starts the real gateway over HTTP in cloud mode, pointed at a local emulator with its
 * signed protocol: the exact code path production uses, with nothing mocked. Each harness
 * gets its own emulator, its own database and a random port.
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import pino from "pino";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index.js";
import { startGateway, type RunningGateway } from "../../src/server/gateway.js";
import { openStore } from "../../src/store/index.js";

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface Harness {
  gateway: RunningGateway;
  emulator: RunningEmulator;
  /** Every log line the gateway wrote, as text (for "no secret in logs" checks). */
  logs: string[];
  /**
   * One GraphQL request over HTTP. With a generated document (src/client/generated, from
   * operations/*.graphql) the variables and the result are typed; a string is for what no
   * client would send (invalid documents, ad-hoc selections).
   */
  gql<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  emulator?: EmulatorOptions;
  /** Defaults to a fresh SQLite file. */
  databaseUrl?: string;
  /** Reuse an emulator (e.g. to restart a gateway against the same backend state). */
  sharedEmulator?: RunningEmulator;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator =
    options.sharedEmulator ??
    (await startEmulator({ activationDelayMs: 150, activationJitterMs: 0, deleteJobDelayMs: 150, ...options.emulator }));
  const dbFile = join(tmpdir(), `fg-test-${randomUUID()}.db`);
  if (!options.databaseUrl) copyFileSync(await migratedTemplate(), dbFile);
  const databaseUrl = options.databaseUrl ?? `file:${dbFile}`;
  const logs: string[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const config = loadConfig({
    PORT: "0",
    DATABASE_URL: databaseUrl,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    BACKEND_RETRY_MIN_DELAY_MS: "5",
    BACKEND_RETRY_MAX_DELAY_MS: "20",
    BACKEND_READ_TIMEOUT_MS: "1500",
    // Tests that want these say so: a background reconcile or a grace wait would change
    // what other tests observe and how long they take.
    RECONCILE_AT_STARTUP: "false",
    CREATE_RETRY_GRACE_MS: "0",
    ...options.env,
  });
  const gateway = await startGateway(config, { logger });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return {
    gateway,
    emulator,
    logs,
    post,
    async gql(document: string | TypedDocumentNode<unknown, unknown>, variables?: unknown) {
      const query = typeof document === "string" ? document : print(document);
      const response = await post(JSON.stringify({ query, variables }));
      return (await response.json()) as GraphQLResponse<any>;
    },
    async close() {
      await gateway.close();
      if (!options.sharedEmulator) await emulator.close();
      if (!options.databaseUrl) {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
      }
    },
  };
}

let template: Promise<string> | undefined;

/**
 * A SQLite file migrated once per test worker and copied for each harness: the gateway
 * still runs its start-up migration check (the fast path), without spending a second on
 * `prisma migrate deploy` for every test. The slow path has its own tests in test/store.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const file = join(tmpdir(), `fg-template-${randomUUID()}.db`);
    const store = await openStore({ databaseUrl: `file:${file}` });
    await store.close();
    process.once("exit", () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    });
    return file;
  })();
  return template;
}

/** The error codes of a response, in order. */
export const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => error.extensions?.code);

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 5_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
