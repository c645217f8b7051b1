/**
 * Job events across instances: two gateways on one PostgreSQL and one Redis. A job ends
 * through instance A (its store, its relay publishing to Redis); a subscriber on B gets it
 * once, live through the bus (the sweep is set far apart, so nothing else could carry it in
 * time), replays it with `after`, and another tenant on B gets nothing.
 */
import { randomUUID } from "node:crypto";
import { print } from "graphql";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresql, type TestDatabase, scaleOutServers } from "../support/databases.js";
import { CREATE, JOB_FINISHED, STATUS_CHANGED } from "../support/documents.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { internalId, runJob } from "../support/jobs.js";
import { connect, subscribe } from "../support/subscription-client.js";

const { pgUrl, redisUrl, missing } = scaleOutServers("job events across instances");

const KEY_A = "scale-jobs-a-0123456789abcdef";
const KEY_B = "scale-jobs-b-fedcba9876543210";

describe.skipIf(!!missing)("job events across instances (PostgreSQL + Redis)", () => {
  let database: TestDatabase;
  let a: Harness;
  let b: Harness;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await postgresql(pgUrl!).fresh();
    const env = {
      API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`,
      REDIS_URL: redisUrl!,
      EVENT_CHANNEL: `job-events-test:${randomUUID()}`,
      // Far apart: within a test only the bus can carry an event from A to B.
      EVENT_SWEEP_INTERVAL_MS: "600000",
      WATCHER_TICK_MS: "20",
      WATCHER_MIN_INTERVAL_MS: "50",
      WATCHER_MAX_INTERVAL_MS: "200",
    };
    // One after the other: the first migrates the fresh schema.
    a = await startHarness({ databaseUrl: database.url, env, emulator: { activationDelayMs: 50, activationJitterMs: 0 } });
    b = await startHarness({ databaseUrl: database.url, env, sharedEmulator: a.emulator });
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  const clientOf = (h: Harness, key: string) => {
    const client = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${key}` });
    clients.push(client);
    return client;
  };

  it("delivers a job's end recorded on A to B's subscriber once, replays it on B, and keeps tenants apart", async () => {
    const response = await a.post(JSON.stringify({ query: print(CREATE), variables: { input: { name: "scaled-jobs", model: "VIDEO" } } }), {
      authorization: `Bearer ${KEY_A}`,
    });
    const library = ((await response.json()) as any).data.createFingerprintLibrary.library;
    const onB = subscribe(clientOf(b, KEY_A), JOB_FINISHED);
    const otherTenantOnB = subscribe(clientOf(b, KEY_B), JOB_FINISHED);
    const librariesOnB = subscribe(clientOf(b, KEY_A), STATUS_CHANGED, { after: "0" });
    await eventually(async () => b.gateway.events.subscriberCount >= 3);

    const store = a.gateway.services.store;
    const first = await runJob(store, "tenant-a", internalId(library.id), "SUCCEEDED", a.gateway.services.jobRecorder);
    const second = await runJob(store, "tenant-a", internalId(library.id), "FAILED", a.gateway.services.jobRecorder);
    await onB.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onB.events.map((e) => Number(e.eventId))).toEqual([first.finishedEventId, second.finishedEventId]);
    expect(onB.events.map((e) => e.status)).toEqual(["SUCCEEDED", "FAILED"]);
    expect(otherTenantOnB.events).toEqual([]);
    const jobEventIds = new Set([first, second].flatMap((j) => [j.runningEventId, j.finishedEventId]));
    expect(librariesOnB.events.some((e) => jobEventIds.has(Number(e.eventId)))).toBe(false);

    const replayed = subscribe(clientOf(b, KEY_A), JOB_FINISHED, { after: String(first.runningEventId) });
    await replayed.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replayed.events.map((e) => Number(e.eventId))).toEqual([first.finishedEventId, second.finishedEventId]);
    for (const s of [onB, otherTenantOnB, librariesOnB, replayed]) s.stop();
  });
});
