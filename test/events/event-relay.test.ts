/**
 * The relay's fan-out in turns and the event stream's two reading modes, on the real
 * in-memory bus and a real (SQLite) store. Events are published through the bus as the
 * recorder would; ids far above anything in the fresh database keep the sweep out of it.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEventBus, type EventBus } from "../../src/subscriptions/event-bus.js";
import { EventRelay, type RelaySubscriber } from "../../src/subscriptions/event-relay.js";
import { SubscriberTooSlowError, type EventSink } from "../../src/subscriptions/event-stream.js";
import { openStore, type GatewayEvent, type LibraryEvent, type OpenedStore } from "../../src/store/index.js";
import { eventually } from "../support/gateway-harness.js";

const log = pino({ level: "silent" });
const file = join(tmpdir(), `fg-relay-${randomUUID()}.db`);
let store: OpenedStore;
let bus: EventBus;
let relay: EventRelay;
let nextId = 1_000_000;

beforeAll(async () => {
  store = await openStore({ databaseUrl: `file:${file}` });
});
afterAll(async () => {
  await store?.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
});

async function startRelay(settings: { deliveriesPerTurn?: number; subscriberBuffer?: number } = {}) {
  bus = await createEventBus({ channel: `relay-test-${randomUUID()}`, log });
  relay = new EventRelay(bus, store, { sweepIntervalMs: 60_000, sweepLookbackMs: 60_000, subscriberBuffer: 1_000, ...settings }, log);
  await relay.start();
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
    for (const e of events) relay.publish(e);
    await eventually(async () => subscribers.every((s) => s.got.length === events.length));
    for (const s of subscribers) expect(s.got).toEqual(events.map((e) => e.id));
  });

  it("does not finish a large fan-out in one turn: other work runs in between", async () => {
    await startRelay({ deliveriesPerTurn: 5 });
    const subscribers = Array.from({ length: 50 }, () => recorder());
    for (const { subscriber } of subscribers) relay.subscribe(subscriber);
    relay.publish(event());
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
    relay.publish(event());
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
    relay.publish(event());
    await eventually(async () => order.length >= 4);
    expect(order).toEqual(["a1", "a2", "b1", "b2"]);
    expect(relay.subscriberCount).toBe(4);
  });

  it("gives an event only to the subscribers registered when it arrived, and ends them all on stop", async () => {
    await startRelay();
    const early = recorder();
    relay.subscribe(early.subscriber);
    const first = event();
    relay.publish(first);
    await eventually(async () => early.got.length === 1);
    const late = recorder();
    relay.subscribe(late.subscriber);
    const second = event();
    relay.publish(second);
    await eventually(async () => late.got.length === 1);
    expect(early.got).toEqual([first.id, second.id]);
    expect(late.got).toEqual([second.id]);
    await relay.stop();
    expect(early.ended() && late.ended()).toBe(true);
    expect(relay.subscriberCount).toBe(0);
  });
});

describe("library event stream", () => {
  it("holds live events until a sink is attached, then pushes them synchronously, filtered by tenant", async () => {
    await startRelay();
    const stream = relay.stream("t1", { kind: "LIBRARY" });
    const mine = event("t1");
    relay.publish(mine);
    relay.publish(event("t2"));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the bus has handed both over
    const got: number[] = [];
    stream.attach({ next: (e) => void got.push(e.id), error: () => {}, complete: () => {} });
    expect(got).toEqual([mine.id]);
    const next = event("t1");
    relay.publish(next);
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
    for (let i = 0; i < 4; i++) relay.publish(event("t1"));
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
    relay.publish(audio);
    relay.publish(video);
    await eventually(async () => got.length === 1);
    expect(got).toEqual([video.id]);
    stream.close();
    expect(relay.subscriberCount).toBe(0);
    // A witness that hears the next event proves it went out after the close.
    const witness: number[] = [];
    relay.stream("t1", { kind: "LIBRARY" }).attach({ next: (e) => void witness.push(e.id), error: () => {}, complete: () => {} });
    relay.publish(event("t1"));
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
