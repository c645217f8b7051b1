/**
 * The shared fan-out over graphql-ws: one execution per event and shape must still give
 * every subscriber exactly what a private execution would: its own tenant's events, the
 * shape of its own document and variables, its own replay, its own errors.
 * Activations are driven by hand (emulator control + refresh) so every event is expected.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIVATED, STATUS_CHANGED } from "../support/documents.js";
import { eventually, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe, settledSubscriberCount } from "../support/subscription-client.js";

const KEY_A = "fanout-a-key-0123456789abcdef";
const KEY_B = "fanout-b-key-fedcba9876543210";

let h: Harness;
let clientA1: Client;
let clientA2: Client;
let clientB: Client;

beforeAll(async () => {
  h = await startHarness({
    emulator: { activationDelayMs: 3_600_000 },
    env: { API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`, WATCHER_ENABLED: "false" },
  });
  clientA1 = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
  clientA2 = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_A}` });
  clientB = connect(h.gateway.graphqlUrl, { Authorization: `Bearer ${KEY_B}` });
});
afterAll(async () => {
  for (const client of [clientA1, clientA2, clientB]) await client?.dispose();
  await h.close();
});

async function as(key: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  const response = await h.post(JSON.stringify({ query, variables }), { authorization: `Bearer ${key}` });
  const body = (await response.json()) as GraphQLResponse;
  expect(body.errors).toBeUndefined();
  return body;
}

type Library = { id: string; backendLibraryId: string };

async function create(key: string, name: string, model: "VIDEO" | "IMAGE" = "VIDEO"): Promise<Library> {
  const body = await as(key, `mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`, {
    input: { name, model },
  });
  return body.data!.createFingerprintLibrary.library;
}

/** The backend changes the library's state; the refresh records it and fans the event out. */
async function transition(key: string, library: Library, to: "activate" | "pause"): Promise<void> {
  h.emulator.control[to](library.backendLibraryId);
  await as(key, `mutation($id: ID!) { refreshFingerprintLibrary(id: $id) { status } }`, { id: library.id });
}

/** Subscriptions register asynchronously over the socket: wait until the relay has them all. */
async function registered(subscriptions: number): Promise<void> {
  await eventually(async () => h.gateway.events.subscriberCount >= subscriptions);
}

/** Long enough for a second copy of anything (bus and sweep) to arrive. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("one execution per event and shape", () => {
  it("gives subscribers of two tenants with the same document only their own tenant's events", async () => {
    const document = "subscription { fingerprintLibraryActivated { eventId library { id name } } }";
    const base = await settledSubscriberCount(h.gateway.events);
    const a1 = subscribe(clientA1, document);
    const a2 = subscribe(clientA2, document);
    const a1Again = subscribe(clientA1, document);
    const b = subscribe(clientB, document);
    await registered(base + 4);

    const ofA = await create(KEY_A, "fanout-tenant-a");
    const ofB = await create(KEY_B, "fanout-tenant-b");
    await transition(KEY_A, ofA, "activate");
    await transition(KEY_B, ofB, "activate");
    await Promise.all([a1.waitFor(1), a2.waitFor(1), a1Again.waitFor(1), b.waitFor(1)]);
    await quiet();

    for (const sub of [a1, a2, a1Again]) expect(sub.events).toEqual([{ eventId: a1.events[0].eventId, library: { id: ofA.id, name: "fanout-tenant-a" } }]);
    expect(b.events).toEqual([{ eventId: b.events[0].eventId, library: { id: ofB.id, name: "fanout-tenant-b" } }]);
    expect(b.events[0].eventId).not.toBe(a1.events[0].eventId);
    for (const sub of [a1, a2, a1Again, b]) sub.stop();
  });

  it("answers every document, operation name and variables on the same event in its own shape", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const small = subscribe(clientA1, "subscription { fingerprintLibraryActivated { eventId } }");
    const large = subscribe(clientA2, "subscription { fingerprintLibraryActivated { eventId status previousStatus library { id name model backend } } }");
    const named = subscribe(clientA1, "subscription Named { fingerprintLibraryActivated { library { name } } }");
    const aliased = subscribe(clientA1, "subscription { fingerprintLibraryActivated { id: eventId } }");
    const ice = subscribe(clientA1, ACTIVATED, { filter: { backend: "ICE" } });
    const mps = subscribe(clientA2, ACTIVATED, { filter: { backend: "MPS" } });
    const toggled = "subscription($full: Boolean!) { fingerprintLibraryActivated { eventId library @include(if: $full) { name } } }";
    const full = subscribe(clientA1, toggled, { full: true });
    const bare = subscribe(clientA1, toggled, { full: false });
    const twoOperations = "subscription Ids { fingerprintLibraryActivated { eventId } } subscription Names { fingerprintLibraryActivated { library { name } } }";
    const names: unknown[] = [];
    const stopNames = clientA2.subscribe({ query: twoOperations, operationName: "Names" }, { next: (r) => void names.push(r.data), error: () => {}, complete: () => {} });
    await registered(base + 9);

    const video = await create(KEY_A, "fanout-shape-video", "VIDEO");
    const image = await create(KEY_A, "fanout-shape-image", "IMAGE");
    await transition(KEY_A, video, "activate");
    await transition(KEY_A, image, "activate");
    await Promise.all([small.waitFor(2), large.waitFor(2), named.waitFor(2), aliased.waitFor(2), ice.waitFor(1), mps.waitFor(1)]);
    await quiet();

    expect(small.events.map((e) => Object.keys(e))).toEqual([["eventId"], ["eventId"]]);
    expect(aliased.events.map((e) => Object.keys(e))).toEqual([["id"], ["id"]]);
    expect(aliased.events.map((e) => e.id)).toEqual(small.events.map((e) => e.eventId));
    expect(named.events).toEqual([{ library: { name: "fanout-shape-video" } }, { library: { name: "fanout-shape-image" } }]);
    expect(large.events).toEqual([
      { eventId: small.events[0].eventId, status: "ACTIVE", previousStatus: "OFFLINE", library: { id: video.id, name: "fanout-shape-video", model: "VIDEO", backend: "ICE" } },
      { eventId: small.events[1].eventId, status: "ACTIVE", previousStatus: "OFFLINE", library: { id: image.id, name: "fanout-shape-image", model: "IMAGE", backend: "MPS" } },
    ]);
    expect(ice.events.map((e) => e.library.id)).toEqual([video.id]);
    expect(mps.events.map((e) => e.library.id)).toEqual([image.id]);
    // Same document, variables that change the answer.
    await Promise.all([full.waitFor(2), bare.waitFor(2)]);
    expect(full.events.map((e) => e.library?.name)).toEqual(["fanout-shape-video", "fanout-shape-image"]);
    expect(bare.events.map((e) => Object.keys(e))).toEqual([["eventId"], ["eventId"]]);
    // Same document, the operation name picks the answer.
    await eventually(async () => names.length >= 2);
    expect(names).toEqual([{ fingerprintLibraryActivated: { library: { name: "fanout-shape-video" } } }, { fingerprintLibraryActivated: { library: { name: "fanout-shape-image" } } }]);
    for (const sub of [small, large, named, aliased, ice, mps, full, bare]) sub.stop();
    stopNames();
  });

  it("still replays after `after` with no gap or duplicate while others share the live events", async () => {
    const library = await create(KEY_A, "fanout-replay", "IMAGE");
    const filter = { ids: [library.id] };
    const base = await settledSubscriberCount(h.gateway.events);
    const first = subscribe(clientA1, STATUS_CHANGED, { filter });
    await registered(base + 1);
    await transition(KEY_A, library, "activate");
    const [activated] = await first.waitFor(1);

    // Missed by a client that left after the activation.
    await transition(KEY_A, library, "pause");
    await transition(KEY_A, library, "activate");
    await first.waitFor(3);

    const resumed = subscribe(clientA2, STATUS_CHANGED, { filter, after: activated.eventId });
    const sameAsResumed = subscribe(clientA1, STATUS_CHANGED, { filter, after: activated.eventId });
    await resumed.waitFor(2);
    await sameAsResumed.waitFor(2);
    await transition(KEY_A, library, "pause");
    await Promise.all([first.waitFor(4), resumed.waitFor(3), sameAsResumed.waitFor(3)]);
    await quiet();

    expect(first.events.map((e) => e.status)).toEqual(["ACTIVE", "PAUSED", "ACTIVE", "PAUSED"]);
    for (const sub of [resumed, sameAsResumed]) {
      expect(sub.events).toEqual(first.events.slice(1));
    }
    for (const sub of [first, resumed, sameAsResumed]) sub.stop();
  });

  it("keeps errors per subscriber: a bad subscription beside good ones of the same document", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const good = subscribe(clientA1, ACTIVATED, {});
    const bad = subscribe(clientA1, ACTIVATED, { filter: { ids: ["not-a-library-id"] } });
    const alsoGood = subscribe(clientA2, ACTIVATED, {});
    await registered(base + 2);
    await eventually(async () => bad.errors.length > 0);

    const library = await create(KEY_A, "fanout-errors");
    await transition(KEY_A, library, "activate");
    await Promise.all([good.waitFor(1), alsoGood.waitFor(1)]);
    await quiet();

    expect((bad.errors[0] as any).extensions.code).toBe("BAD_USER_INPUT");
    expect(bad.events).toEqual([]);
    expect(good.errors).toEqual([]);
    expect(good.events.map((e) => e.library.id)).toEqual([library.id]);
    expect(alsoGood.events).toEqual(good.events);
    expect(h.gateway.events.subscriberCount).toBe(base + 2);
    good.stop();
    alsoGood.stop();
  });

  it("stops writing to a subscriber the moment it completes, and keeps serving the others", async () => {
    const document = "subscription { fingerprintLibraryActivated { eventId } }";
    const base = await settledSubscriberCount(h.gateway.events);
    const staying = subscribe(clientA1, document);
    const leaving = subscribe(clientA1, document);
    await registered(base + 2);
    leaving.stop();
    await eventually(async () => h.gateway.events.subscriberCount === base + 1);
    await transition(KEY_A, await create(KEY_A, "fanout-leaving"), "activate");
    await staying.waitFor(1);
    await quiet();
    expect(leaving.events).toEqual([]);
    expect(staying.events).toHaveLength(1);
    staying.stop();
  });
});
