/**
 * The relay's fan-out in turns and the event stream's two reading modes, on the real
 * in-memory bus and a real (SQLite) store. Events are published through the bus as the
 * recorder would, each written to the log first (test/support/logged-events.ts): the relay trusts the log.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "../../src/subscriptions/event-bus.js";
import { EventRelay, GAP_GRACE_MS, type RelaySubscriber } from "../../src/subscriptions/event-relay.js";
import { SubscriberTooSlowError, type EventSink } from "../../src/subscriptions/event-stream.js";
import { openStore, type GatewayEvent, type LibraryEvent, type OpenedStore } from "../../src/store/index.js";
import { eventually } from "../support/gateway-harness.js";
import { eventLogWriter, type EventLogWriter } from "../support/logged-events.js";

const log = pino({ level: "silent" });
const file = join(tmpdir(), `fg-relay-${randomUUID()}.db`);
let store: OpenedStore;
let logWriter: EventLogWriter;
let bus: EventBus;
let relay: EventRelay;
let nextId = 1_000_000;

beforeAll(async () => {
  store = await openStore({ databaseUrl: `file:${file}` });
  logWriter = await eventLogWriter(`file:${file}`);
});
afterAll(async () => {
  await logWriter?.close();
  await store?.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
});

async function startRelay(settings: { deliveriesPerTurn?: number; subscriberBuffer?: number } = {}) {
  bus = await createEventBus({ channel: `relay-test-${randomUUID()}`, log });
  relay = new EventRelay(bus, store, { sweepIntervalMs: 60_000, subscriberBuffer: 1_000, ...settings }, log);
  await relay.start();
}

/** Commits the events to the log, then publishes them, as a recorder does. */
async function publish(...events: GatewayEvent[]): Promise<void> {
  await logWriter.write(...events);
  for (const e of events) relay.publish(e);
}
afterEach(async () => {
  await relay?.stop();
  await bus?.close();
});

function event(tenantId = "t1", overrides: Partial<LibraryEvent> = {}): LibraryEvent {
  const now = new Date();
  const library = {
    id: randomUUID(),
    tenantId,
    backend: "ICE",
    backendLibraryId: `db-${nextId}`,
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
  } as LibraryEvent["library"];
  return {
    kind: "LIBRARY",
    id: nextId++,
    tenantId,
    libraryId: library.id,
    backend: "ICE",
    model: "VIDEO",
    previousStatus: "OFFLINE",
    status: "ACTIVE",
    rawStatus: "active",
    firstActivation: true,
    occurredAt: now,
    library,
    ...overrides,
  };
}

/** A subscriber that records what it got, in order. */
function recorder(accepts: (e: GatewayEvent) => boolean = () => true) {
  const got: number[] = [];
  let ended = false;
  const subscriber: RelaySubscriber = { accepts, deliver: (e) => void got.push(e.id), end: () => void (ended = true) };
  return { subscriber, got, ended: () => ended };
}

describe("EventRelay fan-out in turns", () => {
  it("hands every event to every subscriber once, in order, across turns", async () => {
    await startRelay({ deliveriesPerTurn: 3 });
    const subscribers = Array.from({ length: 10 }, () => recorder());
    for (const { subscriber } of subscribers) relay.subscribe(subscriber);
    const events = [event(), event(), event(), event()];
    await publish(...events);
    await eventually(async () => subscribers.every((s) => s.got.length === events.length));
    for (const s of subscribers) expect(s.got).toEqual(events.map((e) => e.id));
  });

  it("does not finish a large fan-out in one turn: other work runs in between", async () => {
    await startRelay({ deliveriesPerTurn: 5 });
    const subscribers = Array.from({ length: 50 }, () => recorder());
    for (const { subscriber } of subscribers) relay.subscribe(subscriber);
    await publish(event());
    // Sample once per event-loop turn how many have it.
    const served: number[] = [];
    while (!subscribers.every((s) => s.got.length === 1)) {
      await new Promise((resolve) => setImmediate(resolve));
      served.push(subscribers.filter((s) => s.got.length > 0).length);
      if (served.length > 10_000) throw new Error("the fan-out did not finish");
    }
    expect(served.filter((n) => n > 0 && n < 50).length).toBeGreaterThanOrEqual(5);
  });

  it("skips a subscriber that left during a fan-out, and one that throws does not stop the others", async () => {
    await startRelay({ deliveriesPerTurn: 2 });
    const leaving = recorder();
    let leave = () => {};
    const first: RelaySubscriber = { accepts: () => true, deliver: () => leave(), end: () => {} };
    const thrower: RelaySubscriber = {
      accepts: () => true,
      deliver: () => {
        throw new Error("broken subscriber");
      },
      end: () => {},
    };
    const after = recorder();
    relay.subscribe(first);
    relay.subscribe(thrower);
    leave = relay.subscribe(leaving.subscriber);
    relay.subscribe(after.subscriber);
    await publish(event());
    await eventually(async () => after.got.length === 1);
    expect(leaving.got).toEqual([]);
  });

  it("serves the members of a group one after the other, and moves a subscriber to its group without a loss", async () => {
    await startRelay();
    const order: string[] = [];
    const named = (name: string): RelaySubscriber => ({ accepts: () => true, deliver: () => void order.push(name), end: () => {} });
    relay.subscribe(named("a1"), "socket-a");
    relay.subscribe(named("b1"), "socket-b");
    relay.subscribe(named("a2"), "socket-a");
    const b2 = named("b2");
    relay.subscribe(b2);
    relay.subscribe(b2, "socket-b");
    await publish(event());
    await eventually(async () => order.length >= 4);
    expect(order).toEqual(["a1", "a2", "b1", "b2"]);
    expect(relay.subscriberCount).toBe(4);
  });

  it("gives an event only to the subscribers registered when it arrived, and ends them all on stop", async () => {
    await startRelay();
    const early = recorder();
    relay.subscribe(early.subscriber);
    const first = event();
    await publish(first);
    await eventually(async () => early.got.length === 1);
    const late = recorder();
    relay.subscribe(late.subscriber);
    const second = event();
    await publish(second);
    await eventually(async () => late.got.length === 1);
    expect(early.got).toEqual([first.id, second.id]);
    expect(late.got).toEqual([second.id]);
    await relay.stop();
    expect(early.ended() && late.ended()).toBe(true);
    expect(relay.subscriberCount).toBe(0);
  });
});

describe("EventRelay order and gaps (the log is the truth)", () => {
  /** A started relay with one subscriber that records what it gets. */
  async function relayWithRecorder() {
    await startRelay();
    const r = recorder();
    relay.subscribe(r.subscriber);
    return r;
  }

  it("hands events out in id order when the bus brings them swapped, each once", async () => {
    const r = await relayWithRecorder();
    const [a, b, c] = [event(), event(), event()];
    await logWriter.write(a, b, c);
    for (const e of [b, c, a, b, a]) relay.publish(e);
    await eventually(async () => r.got.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_GRACE_MS + 20)); // nothing more comes
    expect(r.got).toEqual([a.id, b.id, c.id]);
  });

  it("reads an event the bus lost from the log before the ones behind it", async () => {
    const r = await relayWithRecorder();
    const [a, lost, c] = [event(), event(), event()];
    await logWriter.write(a, lost, c);
    relay.publish(a);
    relay.publish(c);
    await eventually(async () => r.got.length === 3);
    expect(r.got).toEqual([a.id, lost.id, c.id]);
  });

  it("goes past an id that was never committed (a rolled-back transaction's), and drops what the log does not hold", async () => {
    const r = await relayWithRecorder();
    const a = event();
    const rolledBack = event();
    const c = event();
    await logWriter.write(a, c);
    relay.publish(a);
    relay.publish(c);
    await eventually(async () => r.got.length === 2);
    expect(r.got).toEqual([a.id, c.id]);
    // Published but not in the log when the gap behind it is read (another deployment on the
    // channel): not handed out. (The very next id is handed out as it comes, unread.)
    event();
    const stray = event();
    relay.publish(stray);
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_GRACE_MS + 30));
    const d = event();
    await publish(d);
    await eventually(async () => r.got.length === 3);
    expect(r.got).toEqual([a.id, c.id, d.id]);
    expect(rolledBack.id).toBe(a.id + 1);
  });

  it("sweeps the log for an event whose publish never came, with nothing behind it", async () => {
    const r = await relayWithRecorder();
    const lost = event();
    await logWriter.write(lost);
    await new Promise((resolve) => setTimeout(resolve, 2 * GAP_GRACE_MS));
    expect(r.got).toEqual([]);
    await relay.sweep();
    expect(r.got).toEqual([lost.id]);
    // Its late copy from the bus is a duplicate.
    relay.publish(lost);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.got).toEqual([lost.id]);
  });

  it("treats what the log held when it started as history", async () => {
    const before = event();
    await logWriter.write(before);
    const r = await relayWithRecorder();
    relay.publish(before);
    const next = event();
    await publish(next);
    await eventually(async () => r.got.length === 1);
    await relay.sweep();
    expect(r.got).toEqual([next.id]);
  });
});

describe("library event stream", () => {
  it("holds live events until a sink is attached, then pushes them synchronously, filtered by tenant", async () => {
    await startRelay();
    const stream = relay.stream("t1", { kind: "LIBRARY" });
    const mine = event("t1");
    await publish(mine);
    await publish(event("t2"));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the bus has handed both over
    const got: number[] = [];
    stream.attach({ next: (e) => void got.push(e.id), error: () => {}, complete: () => {} });
    expect(got).toEqual([mine.id]);
    const next = event("t1");
    await publish(next);
    await eventually(async () => got.length === 2);
    expect(got).toEqual([mine.id, next.id]);
    stream.close();
    expect(relay.subscriberCount).toBe(0);
  });

  it("cuts off a reader whose sink has fallen more than SUBSCRIBER_BUFFER behind", async () => {
    await startRelay({ subscriberBuffer: 2 });
    const stream = relay.stream("t1", { kind: "LIBRARY" });
    let backlog = 0;
    const failures: Error[] = [];
    const sink: EventSink<LibraryEvent> = {
      next: () => void backlog++, // never leaves: a client that stopped reading
      error: (error) => void failures.push(error),
      complete: () => {},
      backlog: () => backlog,
    };
    stream.attach(sink);
    for (let i = 0; i < 4; i++) await publish(event("t1"));
    await eventually(async () => failures.length === 1);
    expect(failures[0]).toBeInstanceOf(SubscriberTooSlowError);
    expect(backlog).toBe(3);
    expect(relay.subscriberCount).toBe(0);
  });

  it("pushes only what its filter selects, and close() unregisters it and silences the sink", async () => {
    await startRelay();
    const stream = relay.stream("t1", { kind: "LIBRARY", model: "VIDEO" });
    const got: number[] = [];
    const endings: string[] = [];
    stream.attach({ next: (e) => void got.push(e.id), error: () => void endings.push("error"), complete: () => void endings.push("complete") });
    const audio = event("t1", { model: "AUDIO" });
    const video = event("t1");
    await publish(audio);
    await publish(video);
    await eventually(async () => got.length === 1);
    expect(got).toEqual([video.id]);
    stream.close();
    expect(relay.subscriberCount).toBe(0);
    // A witness that hears the next event proves it went out after the close.
    const witness: number[] = [];
    relay.stream("t1", { kind: "LIBRARY" }).attach({ next: (e) => void witness.push(e.id), error: () => {}, complete: () => {} });
    await publish(event("t1"));
    await eventually(async () => witness.length === 1);
    expect(got).toEqual([video.id]);
    expect(endings).toEqual([]);
  });

  it("is pushed only: graphql-js sees an async iterable, but pulling it is refused", async () => {
    await startRelay();
    const stream = relay.stream("t1", { kind: "LIBRARY" });
    expect(typeof stream[Symbol.asyncIterator]).toBe("function");
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/pushed, not pulled/);
    stream.close();
  });
});
