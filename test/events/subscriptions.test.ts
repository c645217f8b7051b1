import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "graphql-ws";
import { ACTIVATED, CREATE, DELETE, REFRESH, STATUS_CHANGED as CHANGED, type CreateFingerprintLibraryInput } from "../support/documents.js";
import { codes, eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { connect, subscribe, settledSubscriberCount } from "../support/subscription-client.js";

let h: Harness;
let client: Client;

beforeAll(async () => {
  h = await startHarness({
    emulator: { activationDelayMs: 100, activationJitterMs: 0, deleteJobDelayMs: 100 },
    env: { WATCHER_TICK_MS: "20", WATCHER_MIN_INTERVAL_MS: "50", WATCHER_MAX_INTERVAL_MS: "200" },
  });
  client = connect(h.gateway.graphqlUrl);
});
afterAll(async () => {
  await client?.dispose();
  await h.close();
});

/** Subscriptions register asynchronously over the socket: wait until the relay has them. */
const subscribers = (n: number) => eventually(async () => h.gateway.events.subscriberCount >= n);

async function create(input: CreateFingerprintLibraryInput) {
  const response = await h.gql(CREATE, { input });
  expect(response.errors).toBeUndefined();
  return response.data!.createFingerprintLibrary.library;
}

describe("fingerprintLibraryActivated", () => {
  it("delivers the activation of a library created over HTTP, found by the watcher", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const sub = subscribe(client, ACTIVATED);
    await subscribers(base + 1);
    const library = await create({ name: "goes-live", model: "VIDEO" });
    const [event] = await sub.waitFor(1);
    expect(event).toMatchObject({
      previousStatus: "OFFLINE",
      status: "ACTIVE",
      library: { id: library.id, name: "goes-live", status: "ACTIVE", rawStatus: "active", backend: "ICE" },
    });
    expect(event.library.activatedAt).not.toBeNull();
    expect(Number(event.eventId)).toBeGreaterThan(0);
    sub.stop();
  });

  it("applies filters on backend, model and ids", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const mpsOnly = subscribe(client, ACTIVATED, { filter: { backend: "MPS" } });
    const audioOnly = subscribe(client, ACTIVATED, { filter: { model: "AUDIO" } });
    await subscribers(base + 2);
    const video = await create({ name: "v", model: "VIDEO" });
    const image = await create({ name: "i", model: "IMAGE" });
    const audio = await create({ name: "a", model: "AUDIO" });
    const byId = subscribe(client, ACTIVATED, { filter: { ids: [video.id] } });
    await subscribers(base + 3);
    await eventually(async () => {
      const statuses = await Promise.all([video, image, audio].map(async (l) => (await h.gql(REFRESH, { id: l.id })).data!.refreshFingerprintLibrary.status));
      return statuses.every((s) => s === "ACTIVE");
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mpsOnly.events.map((e) => e.library.id)).toEqual([image.id]);
    expect(audioOnly.events.map((e) => e.library.id)).toEqual([audio.id]);
    // It subscribed after the activation may already have happened: at most the one library.
    expect(byId.events.every((e) => e.library.id === video.id)).toBe(true);
    for (const s of [mpsOnly, audioOnly, byId]) s.stop();
  });

  it("fires once per library, even when it is paused and active again", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const activated = subscribe(client, ACTIVATED);
    const changed = subscribe(client, CHANGED);
    await subscribers(base + 2);
    const library = await create({ name: "flapping", model: "IMAGE" });
    await activated.waitFor(1);
    h.emulator.control.pause(library.backendLibraryId);
    await h.gql(REFRESH, { id: library.id });
    h.emulator.control.activate(library.backendLibraryId);
    await h.gql(REFRESH, { id: library.id });
    const mine = () => changed.events.filter((e) => e.library.id === library.id);
    await eventually(async () => mine().length >= 3);
    expect(mine().map((e) => e.status)).toEqual(["ACTIVE", "PAUSED", "ACTIVE"]);
    expect(activated.events.filter((e) => e.library.id === library.id)).toHaveLength(1);
    activated.stop();
    changed.stop();
  });

  it("refuses a malformed filter id and eventId with BAD_USER_INPUT", async () => {
    const badId = subscribe(client, ACTIVATED, { filter: { ids: ["nope"] } });
    const badAfter = subscribe(client, CHANGED, { after: "yesterday" });
    await eventually(async () => badId.errors.length > 0 && badAfter.errors.length > 0);
    expect((badId.errors[0] as any).extensions.code).toBe("BAD_USER_INPUT");
    expect((badAfter.errors[0] as any).message).toMatch(/after must be an eventId/);
    expect(codes({ errors: badAfter.errors as any })).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("fingerprintLibraryStatusChanged with after", () => {
  it("replays what a disconnected client missed, then continues live, with no duplicate at the seam", async () => {
    const base = await settledSubscriberCount(h.gateway.events);
    const first = subscribe(client, CHANGED);
    await subscribers(base + 1);
    const library = await create({ name: "replayed", model: "IMAGE" });
    const mine = (events: any[]) => events.filter((e) => e.library.id === library.id);
    await eventually(async () => mine(first.events).length >= 1);
    const lastSeen = mine(first.events).at(-1)!.eventId;
    first.stop();

    // While nobody listens: a delete (DELETING), then the job finishes (DELETED).
    await h.gql(DELETE, { id: library.id });
    await eventually(async () => (await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status === "DELETED");

    const resumed = subscribe(client, CHANGED, { after: lastSeen, filter: { ids: [library.id] } });
    await resumed.waitFor(2);
    expect(resumed.events.map((e) => e.status)).toEqual(["DELETING", "DELETED"]);
    expect(resumed.events.map((e) => Number(e.eventId))).toEqual([...resumed.events.map((e) => Number(e.eventId))].sort((a, b) => a - b));
    expect(Number(resumed.events[0].eventId)).toBeGreaterThan(Number(lastSeen));

    // Live after the replay: a new library's events arrive once each.
    const other = await create({ name: "after-seam", model: "VIDEO" });
    const all = subscribe(client, CHANGED, { after: lastSeen });
    await eventually(async () => all.events.some((e) => e.library.id === other.id && e.status === "ACTIVE"));
    const ids = all.events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    resumed.stop();
    all.stop();
  });

  it("replays only the subscriber's own filter", async () => {
    const library = await create({ name: "filtered-replay", model: "AUDIO" });
    await eventually(async () => (await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status === "ACTIVE");
    const replay = subscribe(client, CHANGED, { after: "0", filter: { model: "AUDIO" } });
    await eventually(async () => replay.events.some((e) => e.library.id === library.id));
    expect(replay.events.every((e) => e.library.model === "AUDIO")).toBe(true);
    replay.stop();
  });
});
