/**
 * A client that stops reading must not grow the gateway's memory without bound: one socket
 * with 100 subscriptions selecting large payloads, its TCP paused. The gateway may queue at
 * most SUBSCRIBER_MAX_QUEUED_BYTES for it, then closes it with 4413; the client resumes
 * with `after` and gets everything it missed from the event log. (The RSS figures are in
 * bench/slow-subscriber.ts; this asserts the bytes queued and the close code.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SUBSCRIBER_TOO_SLOW_CLOSE_CODE } from "../../src/subscriptions/socket-writer.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { connect, settledSubscriberCount, subscribe } from "../support/subscription-client.js";

const CAP = 256 * 1024;
const SUBSCRIPTIONS = 100;
/** About 25 KB of JSON per event and subscription: 2.5 MB per event on the one socket. */
const selecting = (copies: number) =>
  `subscription($filter: LibraryEventFilter, $after: ID) { fingerprintLibraryStatusChanged(filter: $filter, after: $after) { eventId ${Array.from(
    { length: copies },
    (_, i) => `l${i}: library { id name description backendLibraryId region rawStatus }`,
  ).join(" ")} } }`;
const LARGE = selecting(20);

/** About 100 KB per event: a history that outgrows the kernel's socket buffers and the cap. */
const HUGE = selecting(90);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    emulator: { activationDelayMs: 3_600_000 },
    env: { WATCHER_ENABLED: "false", SUBSCRIBER_MAX_QUEUED_BYTES: String(CAP), MAX_ALIASES: "100", MAX_COST: "100000" },
  });
});
afterAll(() => h.close());

async function metric(name: string): Promise<number> {
  const text = await (await fetch(h.gateway.metricsUrl!)).text();
  const match = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  if (!match) throw new Error(`${name} is not in /metrics`);
  return Number(match[1]);
}

/** graphql-transport-ws by hand, so the test can stop reading the socket. */
async function rawSubscriber(url: string): Promise<{ socket: WebSocket; eventIds: Map<string, number[]>; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws");
  const eventIds = new Map<string, number[]>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  let acked!: () => void;
  const ack = new Promise<void>((resolve) => (acked = resolve));
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    if (message.type === "connection_ack") acked();
    if (message.type === "next") {
      const list = eventIds.get(message.id) ?? [];
      list.push(Number(message.payload.data.fingerprintLibraryStatusChanged.eventId));
      eventIds.set(message.id, list);
    }
    if (message.type === "error") throw new Error(`subscription refused: ${JSON.stringify(message.payload)}`);
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  await ack;
  return { socket, eventIds, closed };
}

type Library = { id: string; backendLibraryId: string };

/** A library whose description makes every selection of it about 1 KB. */
async function largeLibrary(name: string): Promise<Library> {
  const created = await h.gql(`mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`, {
    input: { name, model: "VIDEO", description: "d".repeat(1000) },
  });
  expect(created.errors).toBeUndefined();
  return created.data!.createFingerprintLibrary.library as Library;
}

/** The backend changes the library's state; the refresh records it and fans the event out. */
async function transitionOf(library: Library, to: "activate" | "pause"): Promise<void> {
  h.emulator.control[to](library.backendLibraryId);
  const refreshed = await h.gql(`mutation($id: ID!) { refreshFingerprintLibrary(id: $id) { status } }`, { id: library.id });
  expect(refreshed.errors).toBeUndefined();
}

describe("a subscriber that stops reading", () => {
  it("is closed with 4413 once its socket holds more than SUBSCRIBER_MAX_QUEUED_BYTES, and resumes with after", { timeout: 120_000 }, async () => {
    const library = await largeLibrary("slow-reader");
    const transition = (to: "activate" | "pause") => transitionOf(library, to);

    const base = await settledSubscriberCount(h.gateway.events);
    const slow = await rawSubscriber(h.gateway.graphqlUrl);
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      slow.socket.send(JSON.stringify({ id: String(i), type: "subscribe", payload: { query: LARGE, variables: { filter: { ids: [library.id] } } } }));
    }
    await eventually(async () => h.gateway.events.subscriberCount >= base + SUBSCRIPTIONS);
    // One event read normally: the payloads are as large as they should be.
    await transition("activate");
    await eventually(async () => (slow.eventIds.get("0")?.length ?? 0) >= 1);

    slow.socket.pause(); // the client stops reading; the kernel's buffers fill, then the gateway's
    let events = 1;
    const queued: number[] = [];
    while ((await metric("gateway_websocket_too_slow_closes_total")) === 0) {
      expect(events).toBeLessThan(60); // 60 events are 150 MB on that socket: far past any kernel buffer
      await transition(events % 2 === 1 ? "pause" : "activate");
      events++;
      queued.push(await metric("gateway_websocket_queued_bytes"));
    }
    // Never more than the cap queued in the process for that socket, at any reading.
    expect(Math.max(...queued)).toBeLessThanOrEqual(CAP);
    expect(await metric("gateway_websocket_too_slow_closes_total")).toBe(1);

    // More events meanwhile are not queued for it.
    await transition(events % 2 === 1 ? "pause" : "activate");
    events++;
    expect(await metric("gateway_websocket_queued_bytes")).toBeLessThanOrEqual(CAP);

    // When the client reads again it gets what was queued, then the close code.
    slow.socket.resume();
    const close = await slow.closed;
    expect(close.code).toBe(SUBSCRIBER_TOO_SLOW_CLOSE_CODE);
    expect(close.reason).toMatch(/resubscribe with after/);
    await eventually(async () => h.gateway.events.subscriberCount === base);

    // Resuming with the last eventId it processed gives exactly the events it missed.
    const seen = slow.eventIds.get("0")!;
    expect(seen.length).toBeLessThan(events);
    const client = connect(h.gateway.graphqlUrl);
    try {
      const resumed = subscribe(client, LARGE, { filter: { ids: [library.id] }, after: String(seen.at(-1)) });
      const missed = await resumed.waitFor(events - seen.length, 30_000);
      const ids = missed.map((event: { eventId: string }) => Number(event.eventId));
      expect(ids[0]).toBeGreaterThan(seen.at(-1)!);
      expect(new Set([...seen, ...ids]).size).toBe(events);
      expect(resumed.errors).toEqual([]);
      resumed.stop();
    } finally {
      await client.dispose();
    }
  });

  it("is not closed by a replay longer than SUBSCRIBER_MAX_QUEUED_BYTES: the replay waits for the client", { timeout: 120_000 }, async () => {
    const library = await largeLibrary("long-history");
    const EVENTS = 70; // 70 x 100 KB = 7 MB, replayed in one page
    for (let i = 0; i < EVENTS; i++) await transitionOf(library, i % 2 === 0 ? "activate" : "pause");
    const closesBefore = await metric("gateway_websocket_too_slow_closes_total");
    const client = connect(h.gateway.graphqlUrl);
    try {
      const replay = subscribe(client, HUGE, { filter: { ids: [library.id] }, after: "0" });
      const events = await replay.waitFor(EVENTS, 30_000);
      expect(events.map((event: { l0: { id: string } }) => event.l0.id)).toEqual(Array(EVENTS).fill(library.id));
      expect(replay.errors).toEqual([]);
      replay.stop();
    } finally {
      await client.dispose();
    }
    expect(await metric("gateway_websocket_too_slow_closes_total")).toBe(closesBefore);
  });
});
