/**
 * Job events through the one pipeline, below GraphQL: the bus codec, the per-subscription
 * predicate, and the relay handing a mix of library and job events to library and job
 * streams, on the real in-memory bus and a real (SQLite) store. The made-up events are
 * written to the log before they are published (the relay trusts the log); the log-backed
 * guarantees (replay, seam, Redis) are in job-events.test.ts.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FingerprintJob, JobStatus } from "../../src/domain/job.js";
import { createEventBus, type EventBus } from "../../src/subscriptions/event-bus.js";
import { matchesFilter } from "../../src/subscriptions/event-filter.js";
import { EventRelay } from "../../src/subscriptions/event-relay.js";
import { fromWire, toWire } from "../../src/subscriptions/wire.js";
import { openStore, type GatewayEvent, type LibraryEvent, type OpenedStore } from "../../src/store/index.js";
import { librarySnapshot } from "../../src/store/library-snapshot.js";
import type { JobEvent } from "../../src/store/job-ports.js";
import { eventually } from "../support/gateway-harness.js";
import { eventLogWriter, type EventLogWriter } from "../support/logged-events.js";

const log = pino({ level: "silent" });
const file = join(tmpdir(), `fg-job-pipeline-${randomUUID()}.db`);
let store: OpenedStore;
let logWriter: EventLogWriter;
let bus: EventBus;
let relay: EventRelay;
let nextId = 2_000_000;

beforeAll(async () => {
  store = await openStore({ databaseUrl: `file:${file}` });
  logWriter = await eventLogWriter(`file:${file}`);
});
afterAll(async () => {
  await logWriter?.close();
  await store?.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
});
afterEach(async () => {
  await relay?.stop();
  await bus?.close();
});

async function startRelay() {
  bus = await createEventBus({ channel: `job-pipeline-${randomUUID()}`, log });
  relay = new EventRelay(bus, store, { sweepIntervalMs: 60_000, subscriberBuffer: 1_000 }, log);
  await relay.start();
}

/** Commits the events to the log, then publishes them, as a recorder does. */
async function publish(...events: GatewayEvent[]): Promise<void> {
  await logWriter.write(...events);
  for (const e of events) relay.publish(e);
}

function job(overrides: Partial<FingerprintJob> = {}): FingerprintJob {
  const now = new Date();
  return {
    id: randomUUID(),
    tenantId: "t1",
    libraryId: "lib-1",
    account: "acct",
    backend: "ICE",
    region: "cn-shanghai",
    model: "VIDEO",
    kind: "FINGERPRINT",
    mode: "SEARCH",
    primaryKey: "pk-1",
    primaryKeys: [],
    media: JSON.stringify({ kind: "oss", bucket: "b", object: "o.mp4", location: "oss-cn-shanghai" }),
    similarityThreshold: 0.8,
    userData: null,
    searchId: null,
    idempotencyKey: null,
    inputHash: "h",
    submitState: "SUBMITTED",
    backendJobId: "job-1",
    status: "SUCCEEDED",
    rawStatus: "Success",
    errorCode: null,
    errorMessage: null,
    matches: [{ primaryKey: "pk-0", similarity: 0.93, segments: [{ inputStart: 0, inputEnd: 4.5, matchStart: 10, matchEnd: 14.5 }] }],
    createdAt: new Date(now.getTime() - 5_000),
    updatedAt: now,
    finishedAt: now,
    ...overrides,
  };
}

function jobEvent(status: JobStatus = "SUCCEEDED", overrides: Partial<FingerprintJob> = {}): JobEvent {
  const snapshot = job({ status, finishedAt: ["SUCCEEDED", "FAILED", "CANCELED"].includes(status) ? new Date() : null, ...overrides });
  return {
    kind: "JOB",
    id: nextId++,
    tenantId: snapshot.tenantId,
    libraryId: snapshot.libraryId,
    jobId: snapshot.id,
    searchId: snapshot.searchId,
    backend: snapshot.backend,
    previousStatus: "RUNNING",
    status,
    rawStatus: snapshot.rawStatus,
    occurredAt: new Date(),
    job: snapshot,
  };
}

function libraryEvent(tenantId = "t1", libraryId = "lib-1"): LibraryEvent {
  const now = new Date();
  return {
    kind: "LIBRARY",
    id: nextId++,
    tenantId,
    libraryId,
    backend: "ICE",
    model: "VIDEO",
    previousStatus: "OFFLINE",
    status: "ACTIVE",
    rawStatus: "active",
    firstActivation: true,
    occurredAt: now,
    library: {
      id: libraryId,
      tenantId,
      backend: "ICE",
      backendLibraryId: "db-1",
      region: "cn-shanghai",
      name: "n",
      description: null,
      model: "VIDEO",
      config: null,
      status: "ACTIVE",
      rawStatus: "active",
      deleteJobId: null,
      createdAt: now,
      updatedAt: now,
      activatedAt: now,
    },
  };
}

describe("the bus codec", () => {
  it("carries a job event through JSON and back unchanged", () => {
    const event = jobEvent("FAILED", { errorCode: "InvalidMedia", errorMessage: "cannot read", searchId: "s-1" });
    expect(fromWire(JSON.parse(JSON.stringify(toWire(event))))).toEqual(event);
  });

  it("carries a library event unchanged, and reads one without a kind (an older publisher) as a library event", () => {
    const event = libraryEvent();
    expect(fromWire(JSON.parse(JSON.stringify(toWire(event))))).toEqual(event);
    const { kind: _kind, ...older } = JSON.parse(JSON.stringify(toWire(event)));
    expect(fromWire(older)).toEqual(event);
  });

  it("checks a library event's library with the event log's codec: one JSON shape, one validation", () => {
    const event = libraryEvent();
    const wire = JSON.parse(JSON.stringify(toWire(event)));
    expect(wire.library).toEqual(JSON.parse(librarySnapshot(event.library)));
    expect(() => fromWire({ ...wire, library: { ...wire.library, status: "SLEEPING" } })).toThrow(/status "SLEEPING" is not one of/);
    expect(() => fromWire({ ...wire, library: { ...wire.library, createdAt: "yesterday" } })).toThrow(/createdAt is not a date/);
    expect(() => fromWire({ ...wire, library: null })).toThrow(/is not a JSON object/);
  });
});

describe.skipIf(!process.env.REDIS_URL_TEST)("the Redis bus", () => {
  it("drops a message that does not decode and goes on delivering", async () => {
    const channel = `job-pipeline-${randomUUID()}`;
    const redisBus = await createEventBus({ redisUrl: process.env.REDIS_URL_TEST, channel, log });
    const stream = redisBus.subscribe();
    try {
      // Subscribed once an event comes back (the SUBSCRIBE is sent on the first read).
      const first = libraryEvent();
      const received = stream.next();
      let subscribed = false;
      void received.then(() => (subscribed = true));
      await eventually(async () => {
        if (!subscribed) redisBus.publish(first);
        return subscribed;
      });
      expect((await received).value).toEqual(first);

      const bad = { ...toWire(libraryEvent()), library: { id: "lib-1", status: "SLEEPING" } };
      await redisBus.redis!.publish(channel, JSON.stringify(bad));
      await redisBus.redis!.publish(channel, "");
      const after = libraryEvent();
      redisBus.publish(after);
      for (;;) {
        const { value, done } = await stream.next();
        expect(done).toBe(false);
        if (value!.id === first.id) continue; // a late copy of the probe
        expect(value).toEqual(after);
        break;
      }
    } finally {
      await stream.return?.();
      await redisBus.close();
    }
  });
});

describe("the subscription predicate", () => {
  const finished = { kind: "JOB", statuses: ["SUCCEEDED", "FAILED", "CANCELED"], jobKinds: ["FINGERPRINT"] } as const;

  it("keeps library and job subscriptions apart", () => {
    expect(matchesFilter(jobEvent(), "t1", {})).toBe(false);
    expect(matchesFilter(jobEvent(), "t1", { kind: "LIBRARY" })).toBe(false);
    expect(matchesFilter(libraryEvent(), "t1", finished)).toBe(false);
    expect(matchesFilter(libraryEvent(), "t1", {})).toBe(true);
    expect(matchesFilter(jobEvent(), "t1", finished)).toBe(true);
  });

  it("applies tenant, status, job kind and each id list", () => {
    const event = jobEvent("SUCCEEDED", { id: "job-a", libraryId: "lib-a", searchId: "search-a" });
    const cases: Array<[object, boolean]> = [
      [{}, true],
      [{ libraryIds: ["lib-a"] }, true],
      [{ libraryIds: ["lib-b"] }, false],
      [{ jobIds: ["job-a", "job-b"] }, true],
      [{ jobIds: ["job-b"] }, false],
      [{ searchIds: ["search-a"] }, true],
      [{ searchIds: ["search-b"] }, false],
      [{ libraryIds: ["lib-a"], jobIds: ["job-b"] }, false],
    ];
    for (const [narrowing, want] of cases) expect(matchesFilter(event, "t1", { ...finished, ...narrowing }), JSON.stringify(narrowing)).toBe(want);
    expect(matchesFilter(event, "t2", finished)).toBe(false);
    expect(matchesFilter(jobEvent("RUNNING"), "t1", finished)).toBe(false);
    expect(matchesFilter(jobEvent("SUCCEEDED", { searchId: null }), "t1", { ...finished, searchIds: ["search-a"] })).toBe(false);
    expect(matchesFilter(jobEvent("SUCCEEDED", { kind: "DELETE_FILES", mode: null }), "t1", finished)).toBe(false);
  });
});

describe("the relay with both kinds", () => {
  it("hands library streams only library events and job streams only the finished jobs they asked for", async () => {
    await startRelay();
    const collect = <E extends GatewayEvent>(stream: AsyncIterable<E> & { attach(sink: any): void; close(): void }) => {
      const got: E[] = [];
      stream.attach({ next: (e: E) => void got.push(e), error: () => {}, complete: () => {} });
      return { got, close: () => stream.close() };
    };
    const libraries = collect(relay.stream("t1", { kind: "LIBRARY" }));
    const jobs = collect(relay.stream("t1", { kind: "JOB", statuses: ["SUCCEEDED", "FAILED", "CANCELED"] }));
    const oneJob = collect(relay.stream("t1", { kind: "JOB", jobIds: ["job-x"] }));

    const sent: GatewayEvent[] = [
      libraryEvent(),
      jobEvent("RUNNING", { id: "job-x" }),
      jobEvent("SUCCEEDED", { id: "job-x" }),
      jobEvent("FAILED", { tenantId: "t2" }),
      libraryEvent("t2"),
      jobEvent("CANCELED"),
    ];
    await publish(...sent);
    await eventually(async () => jobs.got.length === 2 && libraries.got.length === 1 && oneJob.got.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nothing more comes
    expect(libraries.got.map((e) => e.id)).toEqual([sent[0].id]);
    expect(libraries.got.every((e) => e.kind === "LIBRARY")).toBe(true);
    expect(jobs.got.map((e) => e.id)).toEqual([sent[2].id, sent[5].id]);
    expect(jobs.got.map((e) => e.kind === "JOB" && e.status)).toEqual(["SUCCEEDED", "CANCELED"]);
    expect(oneJob.got.map((e) => e.id)).toEqual([sent[1].id, sent[2].id]);
    for (const c of [libraries, jobs, oneJob]) c.close();
    expect(relay.subscriberCount).toBe(0);
  });
});
