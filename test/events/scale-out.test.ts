/**
 * Several gateway processes on one PostgreSQL and one Redis, against one emulator: every
 * subscriber on any instance gets every matching event exactly once; the watcher's shards
 * move to a survivor when their holder is killed with -9; SIGTERM exits cleanly.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { print } from "graphql";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { postgresql, type TestDatabase, scaleOutServers } from "../support/databases.js";
import { ACTIVATED, CREATE } from "../support/documents.js";
import { eventually } from "../support/gateway-harness.js";
import { buildGateway, startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { connect, subscribe } from "../support/subscription-client.js";

const { pgUrl, redisUrl, missing } = scaleOutServers("scale-out on PostgreSQL + Redis");


describe.skipIf(!!missing)("scale-out on PostgreSQL + Redis", () => {
  let emulator: RunningEmulator;
  let database: TestDatabase;
  let channel: string;
  const processes: GatewayProcess[] = [];
  const clients: Client[] = [];

  const env = () => ({
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl!,
    EVENT_CHANNEL: channel,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    WATCHER_TICK_MS: "50",
    WATCHER_MIN_INTERVAL_MS: "100",
    WATCHER_MAX_INTERVAL_MS: "400",
    WATCHER_LEASE_TTL_MS: "1500",
    EVENT_SWEEP_INTERVAL_MS: "500",
  });

  const start = async (n: number) => {
    // One at a time: the first migrates the fresh schema, the others take the fast path.
    for (let i = 0; i < n; i++) processes.push(await startGatewayProcess(env()));
    return processes.slice(-n);
  };

  const holderOf = async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const schema = new URL(database.url).searchParams.get("schema");
      const { rows } = await client.query(`SELECT holder FROM "${schema}"."Lease" WHERE name LIKE 'watcher-shard-%' AND "expiresAt" > now()`);
      return new Set(rows.map((row: { holder: string }) => row.holder));
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    buildGateway();
    emulator = await startEmulator({ activationDelayMs: 400, activationJitterMs: 0, libraryQuota: 100 });
  }, 120_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    for (const p of processes.splice(0)) {
      p.kill("SIGKILL");
      await p.exited;
    }
    await database?.drop();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  const fresh = async () => {
    database = await postgresql(pgUrl!).fresh();
    channel = `fingerprint-gateway-test:${randomUUID()}`;
  };

  const createOn = async (p: GatewayProcess, name: string) => {
    const response = await fetch(p.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: print(CREATE), variables: { input: { name, model: "VIDEO" } } }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    return body.data.createFingerprintLibrary.library;
  };

  it("with two instances, a subscriber on one sees a library created through the other turn active, once", async () => {
    await fresh();
    const [a, b] = await start(2);
    const onA = subscribe(connectTo(a), ACTIVATED);
    const onB = subscribe(connectTo(b), ACTIVATED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const library = await createOn(a, "two-instances");
    await onB.waitFor(1, 15_000);
    await onA.waitFor(1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200)); // more than two sweeps: a duplicate would show
    expect(onB.events.map((e) => e.library.id)).toEqual([library.id]);
    expect(onA.events.map((e) => e.library.id)).toEqual([library.id]);
  });

  it("with three instances, kill -9 of the lease holder loses no event and duplicates none", async () => {
    await fresh();
    const instances = await start(3);
    await eventually(async () => (await holderOf()).size > 0, 10_000);
    const holders = await holderOf();
    const victim = instances.find((p) => [...holders].some((h) => h.includes(`-${p.pid}-`)))!;
    expect(victim).toBeDefined();
    const survivors = instances.filter((p) => p !== victim);

    const subs = survivors.map((p) => subscribe(connectTo(p), ACTIVATED));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const libraries = [await createOn(survivors[0], "survives-1"), await createOn(survivors[1], "survives-2")];
    victim.kill("SIGKILL");
    await victim.exited;

    for (const sub of subs) await sub.waitFor(2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const expected = libraries.map((l) => l.id).sort();
    for (const sub of subs) {
      expect(sub.events.map((e) => e.library.id).sort()).toEqual(expected);
      expect(new Set(sub.events.map((e) => e.eventId)).size).toBe(2);
    }
    const newHolders = await holderOf();
    expect([...newHolders].some((h) => h.includes(`-${victim.pid}-`))).toBe(false);
  });

  it("exits 0 on SIGTERM with a subscription open, releasing its leases", async () => {
    await fresh();
    const [only] = await start(1);
    const sub = subscribe(connectTo(only), ACTIVATED);
    await eventually(async () => (await holderOf()).size > 0, 10_000);
    only.kill("SIGTERM");
    expect(await only.exited).toBe(0);
    expect(await holderOf()).toEqual(new Set());
    await eventually(async () => sub.completed || sub.errors.length > 0, 5_000);
    processes.splice(processes.indexOf(only), 1);
  });

  function connectTo(p: GatewayProcess): Client {
    const client = connect(p.graphqlUrl);
    clients.push(client);
    return client;
  }
});
