/**
 * File-deletion ends across instances: two gateways on one PostgreSQL and one Redis. The
 * client deletes files through B; only A runs the job watcher, so A records the deletion's
 * end and its relay publishes it to Redis. B's subscriber gets it once, live through the
 * bus (the sweep is set far apart, so nothing else could carry it in time), replays it with
 * `after`, and another tenant on B gets nothing.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresql, type TestDatabase, scaleOutServers } from "../support/databases.js";
import { FILE_DELETION_FINISHED } from "../support/documents.js";
import { activeLibrary, deleteFiles, endOnMps, watcherRounds } from "../support/file-deletions.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe } from "../support/subscription-client.js";

const { pgUrl, redisUrl, missing } = scaleOutServers("file deletion events across instances");

const KEY_A = "scale-deletions-a-0123456789abcdef";
const KEY_B = "scale-deletions-b-fedcba9876543210";

describe.skipIf(!!missing)("file deletion events across instances (PostgreSQL + Redis)", () => {
  let database: TestDatabase;
  let a: Harness;
  let b: Harness;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await postgresql(pgUrl!).fresh();
    const env = {
      API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`,
      REDIS_URL: redisUrl!,
      EVENT_CHANNEL: `deletion-events-test:${randomUUID()}`,
      // Far apart: within a test only the bus can carry an event from A to B.
      EVENT_SWEEP_INTERVAL_MS: "600000",
      // A's watcher rounds are the test's own.
      WATCHER_TICK_MS: "60000",
      JOB_WATCHER_TICK_MS: "60000",
    };
    // One after the other: the first migrates the fresh schema.
    a = await startHarness({ databaseUrl: database.url, env, emulator: { activationDelayMs: 3_600_000, deleteJobDelayMs: 3_600_000 } });
    b = await startHarness({ databaseUrl: database.url, env: { ...env, WATCHER_ENABLED: "false" }, sharedEmulator: a.emulator });
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

  it("delivers a deletion's end recorded on A to B's subscriber once, replays it on B, and keeps tenants apart", async () => {
    const watcherRound = watcherRounds(a);
    const library = await activeLibrary(b, KEY_A, "MPS", "scaled-deletions");
    const onB = subscribe(clientOf(b, KEY_A), FILE_DELETION_FINISHED);
    const otherTenantOnB = subscribe(clientOf(b, KEY_B), FILE_DELETION_FINISHED);
    await eventually(async () => b.gateway.events.subscriberCount >= 2);

    const [first, second] = await deleteFiles(b, KEY_A, library.id, Array.from({ length: 201 }, (_, i) => `scaled-${i}`));
    await endOnMps(b, first!.id, "finish");
    await watcherRound();
    await onB.waitFor(1);
    await endOnMps(b, second!.id, { code: "InternalError", message: "The delete job failed." });
    await watcherRound();
    await onB.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onB.events.map((event) => [event.deletion.id, event.status, event.previousStatus])).toEqual([
      [first!.id, "SUCCEEDED", "QUEUED"],
      [second!.id, "FAILED", "QUEUED"],
    ]);
    expect(onB.events[1]!.deletion).toMatchObject({ primaryKeys: ["scaled-200"], errorCode: "InternalError", library: { id: library.id } });
    expect(otherTenantOnB.events).toEqual([]);

    const replayed = subscribe(clientOf(b, KEY_A), FILE_DELETION_FINISHED, { after: "0" });
    await replayed.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replayed.events.map((event) => event.eventId)).toEqual(onB.events.map((event) => event.eventId));
    expect(replayed.events.map((event) => event.deletion)).toEqual(onB.events.map((event) => event.deletion));
    for (const s of [onB, otherTenantOnB, replayed]) s.stop();
  });
});
