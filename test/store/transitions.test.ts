/**
 * Status transitions and their event log, the watcher's work list, and leases, on every
 * database in ../support/databases.ts. Races use two stores on PostgreSQL (two pools stand in
 * for two processes) and one on SQLite (see store.test.ts for why).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../src/domain/errors.js";
import { shardOf, UNSETTLED_STATUSES, WATCHER_SHARD_COUNT, type LibraryStatus } from "../../src/domain/model.js";
import type { Library } from "../../src/domain/library.js";
import { openStore, type LibraryEvent, type LibraryEventFilter, type OpenedStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock, newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("store transitions, events and leases");

describe.each(databaseKinds)("store transitions, events and leases on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  /** A fresh database with a store on it and, on PostgreSQL, a second store (another "process"). */
  async function twoStores(clock: ManualClock): Promise<[OpenedStore, OpenedStore]> {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url, now: clock.now });
    closeLater.push(store);
    if (kind.name === "sqlite") return [store, store];
    const other = await openStore({ databaseUrl: db.url, now: clock.now });
    closeLater.push(other);
    return [store, other];
  }

  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  describe("transition", () => {
    const clock = new ManualClock(Date.parse("2026-05-01T00:00:00.000Z"));
    let store: OpenedStore;
    let other: OpenedStore;
    beforeAll(async () => {
      [store, other] = await twoStores(clock);
    });

    async function eventsOf(library: Library): Promise<LibraryEvent[]> {
      return store.events.listAfter(library.tenantId, 0, { libraryIds: [library.id] }, 1000);
    }

    it("appends exactly one event when 10 writers make the same transition at once", async () => {
      const lib = await store.libraries.insert(newLibrary());
      clock.advance(1000);
      const activatedAt = new Date("2026-05-01T00:00:00.500Z");
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : other).libraries.transition(
            lib.id,
            { status: "OFFLINE", rawStatus: "offline" },
            { status: "ACTIVE", rawStatus: "active", activatedAt },
          ),
        ),
      );
      const appended = results.filter((r) => r.event !== null);
      expect(appended).toHaveLength(1);
      const event = appended[0]!.event!;
      expect(event).toMatchObject({
        tenantId: lib.tenantId,
        libraryId: lib.id,
        backend: "ICE",
        model: "VIDEO",
        previousStatus: "OFFLINE",
        status: "ACTIVE",
        rawStatus: "active",
        firstActivation: true,
        occurredAt: clock.now(),
      });
      for (const r of results) {
        expect(r.library).toMatchObject({ id: lib.id, status: "ACTIVE", rawStatus: "active", activatedAt });
        expect(r.library.updatedAt).toEqual(clock.now());
      }
      expect(await eventsOf(lib)).toEqual([event]);
    });

    it("marks only the first transition to ACTIVE as firstActivation, and keeps the first activatedAt", async () => {
      const lib = await store.libraries.insert(newLibrary({ backend: "MPS", model: "AUDIO" }));
      const steps: Array<[LibraryStatus, string, LibraryStatus, string]> = [
        ["OFFLINE", "offline", "ACTIVE", "Active"],
        ["ACTIVE", "Active", "PAUSED", "Paused"],
        ["PAUSED", "Paused", "ACTIVE", "Active"],
        ["ACTIVE", "Active", "ACTIVE", "Normal"],
      ];
      const firstActivatedAt = clock.now();
      for (const [fromStatus, fromRaw, status, rawStatus] of steps) {
        clock.advance(1000);
        // No activatedAt from the caller: the store's clock supplies it on the first ACTIVE.
        const { event } = await store.libraries.transition(lib.id, { status: fromStatus, rawStatus: fromRaw }, { status, rawStatus });
        expect(event).not.toBeNull();
      }
      const events = await eventsOf(lib);
      expect(events.map((e) => [e.previousStatus, e.status, e.rawStatus, e.firstActivation])).toEqual([
        ["OFFLINE", "ACTIVE", "Active", true],
        ["ACTIVE", "PAUSED", "Paused", false],
        ["PAUSED", "ACTIVE", "Active", false],
        ["ACTIVE", "ACTIVE", "Normal", false],
      ]);
      const current = await store.libraries.findById(lib.tenantId, lib.id);
      expect(current!.activatedAt).toEqual(new Date(firstActivatedAt.getTime() + 1000));
      // A later activatedAt from a caller does not overwrite it either.
      clock.advance(1000);
      const paused = await store.libraries.transition(
        lib.id,
        { status: "ACTIVE", rawStatus: "Normal" },
        { status: "PAUSED", rawStatus: "Paused" },
      );
      const again = await store.libraries.transition(
        lib.id,
        { status: "PAUSED", rawStatus: "Paused" },
        { status: "ACTIVE", rawStatus: "Active", activatedAt: clock.now() },
      );
      expect(paused.event!.firstActivation).toBe(false);
      expect(again.event!.firstActivation).toBe(false);
      expect(again.library.activatedAt).toEqual(current!.activatedAt);
      expect(again.event!.library.activatedAt).toEqual(current!.activatedAt);
      const firsts = await store.events.listAfter(lib.tenantId, 0, { libraryIds: [lib.id], firstActivationOnly: true }, 100);
      expect(firsts).toHaveLength(1);
    });

    it("on a compare-and-set miss returns the row as it now is and appends nothing", async () => {
      const lib = await store.libraries.insert(newLibrary());
      clock.advance(1000);
      const moved = await store.libraries.transition(lib.id, { status: "OFFLINE", rawStatus: "offline" }, { status: "PAUSED", rawStatus: "paused" });
      expect(moved.event).not.toBeNull();
      clock.advance(1000);
      // A writer that still believes the row is OFFLINE.
      const stale = await store.libraries.transition(
        lib.id,
        { status: "OFFLINE", rawStatus: "offline" },
        { status: "ACTIVE", rawStatus: "active", deleteJobId: "job-x" },
      );
      expect(stale.event).toBeNull();
      expect(stale.library).toEqual(moved.library);
      // Same status word but another raw status is a miss too.
      const rawMiss = await store.libraries.transition(lib.id, { status: "PAUSED", rawStatus: "Paused" }, { status: "ACTIVE", rawStatus: "active" });
      expect(rawMiss.event).toBeNull();
      expect(rawMiss.library.status).toBe("PAUSED");
      expect(await eventsOf(lib)).toEqual([moved.event]);

      await expect(
        store.libraries.transition("00000000-0000-0000-0000-000000000000", { status: "OFFLINE", rawStatus: "x" }, { status: "ACTIVE", rawStatus: "y" }),
      ).rejects.toSatisfy((e) => e instanceof GatewayError && e.code === "NOT_FOUND");
    });

    it("writes a deleteJobId-only change without an event, and only if the row is as expected", async () => {
      const lib = await store.libraries.insert(newLibrary({ status: "DELETING", rawStatus: "Deleting" }));
      clock.advance(1000);
      const same = { status: "DELETING" as const, rawStatus: "Deleting" };
      const withJob = await store.libraries.transition(lib.id, same, { ...same, deleteJobId: "job-1" });
      expect(withJob.event).toBeNull();
      expect(withJob.library.deleteJobId).toBe("job-1");
      expect(withJob.library.updatedAt).toEqual(clock.now());

      clock.advance(1000);
      const untouched = await store.libraries.transition(lib.id, same, same);
      expect(untouched).toEqual({ library: withJob.library, event: null });

      // Not as expected: nothing is written.
      const miss = await store.libraries.transition(lib.id, { status: "OFFLINE", rawStatus: "offline" }, { status: "OFFLINE", rawStatus: "offline", deleteJobId: null });
      expect(miss).toEqual({ library: withJob.library, event: null });

      const cleared = await store.libraries.transition(lib.id, same, { status: "DELETED", rawStatus: "Deleted", deleteJobId: null });
      expect(cleared.library.deleteJobId).toBeNull();
      expect(cleared.event!.library.deleteJobId).toBeNull();
      expect((await eventsOf(lib)).map((e) => e.status)).toEqual(["DELETED"]);
    });

    it("snapshots the library as it is right after the change, and reads it back with dates as Dates", async () => {
      const lib = await store.libraries.insert(
        newLibrary({ backend: "MPS", model: "IMAGE", description: 'with "quotes" and ünïcödé', config: '{"SaveType":"save"}' }),
      );
      clock.advance(1234);
      const { library, event } = await store.libraries.transition(
        lib.id,
        { status: "OFFLINE", rawStatus: "offline" },
        { status: "ACTIVE", rawStatus: "Active", activatedAt: new Date("2026-05-02T03:04:05.678Z") },
      );
      expect(event!.library).toEqual(library);
      expect(event!.library.createdAt).toBeInstanceOf(Date);
      expect(event!.library.updatedAt).toBeInstanceOf(Date);
      expect(event!.library.activatedAt).toEqual(new Date("2026-05-02T03:04:05.678Z"));
      expect(event!.occurredAt).toEqual(library.updatedAt);
      expect(await store.libraries.findById(lib.tenantId, lib.id)).toEqual(library);

      const [read] = await eventsOf(lib);
      expect(read).toEqual(event);
      // Later changes do not alter an event's snapshot.
      clock.advance(1000);
      await store.libraries.transition(lib.id, { status: "ACTIVE", rawStatus: "Active" }, { status: "PAUSED", rawStatus: "Paused" });
      const [first, second] = await eventsOf(lib);
      expect(first).toEqual(event);
      expect(second!.library.status).toBe("PAUSED");
      expect(second!.id).toBeGreaterThan(first!.id);
    });
  });

  describe("event log", () => {
    const clock = new ManualClock(Date.parse("2026-06-01T00:00:00.000Z"));
    let store: OpenedStore;
    const tenant = "tenant-events";
    let all: LibraryEvent[] = [];
    let libs: Library[] = [];
    let firstId: number;

    beforeAll(async () => {
      [store] = await twoStores(clock);
      firstId = (await store.events.lastId()) + 1;
      libs = [
        await store.libraries.insert(newLibrary({ tenantId: tenant, backend: "ICE", model: "VIDEO" })),
        await store.libraries.insert(newLibrary({ tenantId: tenant, backend: "MPS", model: "AUDIO" })),
        await store.libraries.insert(newLibrary({ tenantId: tenant, backend: "MPS", model: "VIDEO" })),
        await store.libraries.insert(newLibrary({ tenantId: "tenant-noise", backend: "MPS", model: "VIDEO" })),
      ];
      // Interleaved transitions, one second apart: OFFLINE -> ACTIVE -> PAUSED -> ACTIVE for each.
      const path: Array<[LibraryStatus, LibraryStatus]> = [
        ["OFFLINE", "ACTIVE"],
        ["ACTIVE", "PAUSED"],
        ["PAUSED", "ACTIVE"],
      ];
      for (const [from, to] of path) {
        for (const lib of libs) {
          clock.advance(1000);
          const { event } = await store.libraries.transition(
            lib.id,
            { status: from, rawStatus: from.toLowerCase() },
            { status: to, rawStatus: to.toLowerCase() },
          );
          expect(event).not.toBeNull();
        }
      }
      all = await store.events.listAfter(tenant, 0, {}, 1000);
    });

    it("lists a tenant's events after an id, ascending, in pages", async () => {
      expect(all).toHaveLength(9);
      expect(all.every((e) => e.tenantId === tenant)).toBe(true);
      const ids = all.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);

      const paged: LibraryEvent[] = [];
      let after = 0;
      for (;;) {
        const page = await store.events.listAfter(tenant, after, {}, 4);
        paged.push(...page);
        if (page.length < 4) break;
        after = page.at(-1)!.id;
      }
      expect(paged).toEqual(all);
      expect(await store.events.listAfter(tenant, all.at(-1)!.id, {}, 10)).toEqual([]);
      expect(await store.events.listAfter(tenant, 0, {}, 0)).toEqual([]);
      expect(await store.events.listAfter("tenant-nobody", 0, {}, 10)).toEqual([]);
      await expect(store.events.listAfter(tenant, 0, {}, -1)).rejects.toThrow(RangeError);
    });

    it("filters by library ids, backend, model and first activations", async () => {
      const [iceVideo, mpsAudio, mpsVideo, noise] = libs as [Library, Library, Library, Library];
      const cases: Array<{ filter: LibraryEventFilter; keep: (e: LibraryEvent) => boolean }> = [
        { filter: { libraryIds: [mpsAudio.id] }, keep: (e) => e.libraryId === mpsAudio.id },
        { filter: { libraryIds: [iceVideo.id, mpsVideo.id, noise.id] }, keep: (e) => e.libraryId !== mpsAudio.id },
        { filter: { libraryIds: [] }, keep: () => false },
        { filter: { backend: "MPS" }, keep: (e) => e.backend === "MPS" },
        { filter: { model: "VIDEO" }, keep: (e) => e.model === "VIDEO" },
        { filter: { backend: "MPS", model: "VIDEO" }, keep: (e) => e.libraryId === mpsVideo.id },
        { filter: { firstActivationOnly: true }, keep: (e) => e.firstActivation },
        { filter: { firstActivationOnly: false }, keep: () => true },
        { filter: { firstActivationOnly: true, backend: "ICE" }, keep: (e) => e.firstActivation && e.backend === "ICE" },
        { filter: { libraryIds: [mpsAudio.id], model: "VIDEO" }, keep: () => false },
      ];
      for (const { filter, keep } of cases) {
        const want = all.filter(keep);
        expect(await store.events.listAfter(tenant, 0, filter, 1000), JSON.stringify(filter)).toEqual(want);
        // With a cursor and a limit too.
        if (want.length > 1) {
          expect(await store.events.listAfter(tenant, want[0]!.id, filter, 1), JSON.stringify(filter)).toEqual([want[1]]);
        }
      }
      // The expectations are not vacuous.
      expect(all.filter((e) => e.firstActivation).map((e) => e.libraryId)).toEqual([iceVideo.id, mpsAudio.id, mpsVideo.id]);
      expect(all.filter((e) => e.backend === "MPS")).toHaveLength(6);
    });

    it("lists all tenants' events after an id, ascending, and knows the last id", async () => {
      const everything = await store.events.listAfterId(firstId - 1, 1000);
      expect(everything).toHaveLength(12);
      expect(everything.some((e) => e.tenantId === "tenant-noise")).toBe(true);
      const ids = everything.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(await store.events.lastId()).toBe(ids.at(-1));

      // After an id: strictly greater, in order, limited.
      expect(await store.events.listAfterId(ids[8]!, 1000)).toEqual(everything.slice(9));
      expect(await store.events.listAfterId(ids[8]!, 2)).toEqual(everything.slice(9, 11));
      expect(await store.events.listAfterId(ids.at(-1)!, 10)).toEqual([]);
      expect(await store.events.listAfterId(0, 0)).toEqual([]);
    });
  });

  describe("watcher schedule", () => {
    const clock = new ManualClock(Date.parse("2026-07-01T00:00:00.000Z"));
    let store: OpenedStore;
    beforeAll(async () => {
      [store] = await twoStores(clock);
    });

    it("stores each library's shard and lists the due, unsettled ones of the given shards, oldest first", async () => {
      const now = clock.now();
      const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
      const statuses: LibraryStatus[] = ["OFFLINE", "ACTIVE", "PAUSED", "DELETING", "DELETED", "UNKNOWN"];
      const schedules: Array<Date | null> = [null, at(-60), at(-1), at(0), at(1), at(60)];
      const rows: Array<{ lib: Library; nextCheckAt: Date | null }> = [];
      // Enough libraries to cover every shard several times over, across tenants.
      for (let i = 0; i < 120; i++) {
        const lib = await store.libraries.insert(
          newLibrary({ tenantId: i % 3 === 0 ? "tenant-w1" : "tenant-w2", status: statuses[i % statuses.length] }),
        );
        rows.push({ lib, nextCheckAt: schedules[Math.floor(i / statuses.length) % schedules.length]! });
      }
      await store.libraries.scheduleChecks(
        rows.filter((r) => r.nextCheckAt).map((r, i) => ({ id: r.lib.id, nextCheckAt: r.nextCheckAt!, checkCount: i + 1 })),
      );
      const shardsSeen = new Set(rows.map((r) => shardOf(r.lib.id)));
      expect(shardsSeen.size).toBeGreaterThan(WATCHER_SHARD_COUNT / 2);

      const expectedDue = (shards: number[]) =>
        rows
          .filter(
            (r) =>
              UNSETTLED_STATUSES.includes(r.lib.status) &&
              shards.includes(shardOf(r.lib.id)) &&
              (r.nextCheckAt === null || r.nextCheckAt.getTime() <= now.getTime()),
          )
          .sort(
            (x, y) =>
              (x.nextCheckAt?.getTime() ?? -Infinity) - (y.nextCheckAt?.getTime() ?? -Infinity) ||
              (x.lib.id < y.lib.id ? -1 : x.lib.id > y.lib.id ? 1 : 0),
          )
          .map((r) => r.lib.id);

      const allShards = Array.from({ length: WATCHER_SHARD_COUNT }, (_, s) => s);
      for (const shards of [allShards, [0], [1, 5, 9], allShards.filter((s) => s % 2 === 1)]) {
        const due = await store.libraries.dueForCheck(shards, now, 1000);
        expect(due.map((l) => l.id), JSON.stringify(shards)).toEqual(expectedDue(shards));
      }
      // The expectations are not vacuous: nulls, past and exactly-now schedules are all there.
      const due = await store.libraries.dueForCheck(allShards, now, 1000);
      expect(due.length).toBeGreaterThan(10);
      expect(due[0]!.nextCheckAt).toBeNull();
      expect(due.some((l) => l.nextCheckAt?.getTime() === now.getTime())).toBe(true);
      expect(due.every((l) => UNSETTLED_STATUSES.includes(l.status))).toBe(true);
      // Each library in exactly its own shard.
      for (let shard = 0; shard < WATCHER_SHARD_COUNT; shard++) {
        for (const lib of await store.libraries.dueForCheck([shard], now, 1000)) expect(shardOf(lib.id)).toBe(shard);
      }

      // The limit takes the head of the order.
      expect((await store.libraries.dueForCheck(allShards, now, 5)).map((l) => l.id)).toEqual(expectedDue(allShards).slice(0, 5));
      expect(await store.libraries.dueForCheck([], now, 10)).toEqual([]);
      expect(await store.libraries.dueForCheck(allShards, now, 0)).toEqual([]);
      await expect(store.libraries.dueForCheck(allShards, now, 1.5)).rejects.toThrow(RangeError);
      // Later, the future schedules come due too.
      expect((await store.libraries.dueForCheck(allShards, at(60), 1000)).length).toBe(
        rows.filter((r) => UNSETTLED_STATUSES.includes(r.lib.status)).length,
      );
    });

    it("sets next check times and counts in one go, without touching updatedAt", async () => {
      const now = clock.now();
      const a = await store.libraries.insert(newLibrary({ tenantId: "tenant-s" }));
      const b = await store.libraries.insert(newLibrary({ tenantId: "tenant-s" }));
      const shards = [shardOf(a.id), shardOf(b.id)];
      clock.advance(5000);
      await store.libraries.scheduleChecks([
        { id: a.id, nextCheckAt: new Date(now.getTime() - 1), checkCount: 3 },
        { id: b.id, nextCheckAt: new Date(now.getTime() + 10_000), checkCount: 7 },
        // A library that is gone is skipped, not an error.
        { id: "00000000-0000-0000-0000-000000000000", nextCheckAt: now, checkCount: 1 },
      ]);
      const due = (await store.libraries.dueForCheck(shards, now, 1000)).filter((l) => l.tenantId === "tenant-s");
      expect(due).toEqual([{ ...a, checkCount: 3, nextCheckAt: new Date(now.getTime() - 1) }]);
      const later = (await store.libraries.dueForCheck(shards, new Date(now.getTime() + 10_000), 1000)).filter(
        (l) => l.tenantId === "tenant-s",
      );
      expect(later.map((l) => [l.id, l.checkCount])).toEqual([
        [a.id, 3],
        [b.id, 7],
      ]);
      expect(await store.libraries.findById("tenant-s", b.id)).toEqual(b);
      await store.libraries.scheduleChecks([]);
    });
  });

  describe("leases", () => {
    const clock = new ManualClock(Date.parse("2026-08-01T00:00:00.000Z"));
    let store: OpenedStore;
    let other: OpenedStore;
    beforeAll(async () => {
      [store, other] = await twoStores(clock);
    });
    const ttl = 10_000;

    it("acquires, renews, releases, and is taken over after expiry", async () => {
      const name = "watcher-shard-0";
      expect(await store.leases.acquire(name, "A", ttl)).toBe(true);
      expect(await other.leases.acquire(name, "B", ttl)).toBe(false);
      expect(await store.leases.list()).toEqual([{ name, holder: "A", expiresAt: new Date(clock.now().getTime() + ttl) }]);

      clock.advance(4000);
      expect(await store.leases.acquire(name, "A", ttl)).toBe(true); // ours already: extended
      expect(await store.leases.renew(name, "A", ttl)).toBe(true);
      expect(await other.leases.renew(name, "B", ttl)).toBe(false);
      expect((await store.leases.list())[0]!.expiresAt).toEqual(new Date(clock.now().getTime() + ttl));

      // At the expiry instant it is still held; just after, it is free.
      clock.advance(ttl);
      expect(await other.leases.acquire(name, "B", ttl)).toBe(false);
      clock.advance(1);
      // Expired but nobody took it: the holder may still renew (nobody else ran the job meanwhile).
      expect(await store.leases.renew(name, "A", ttl)).toBe(true);
      expect(await other.leases.acquire(name, "B", ttl)).toBe(false);

      clock.advance(ttl + 1);
      expect(await other.leases.acquire(name, "B", ttl)).toBe(true); // takeover
      expect(await store.leases.renew(name, "A", ttl)).toBe(false); // lost
      expect(await store.leases.acquire(name, "A", ttl)).toBe(false);
      await store.leases.release(name, "A"); // not ours: no effect
      expect(await store.leases.list()).toEqual([{ name, holder: "B", expiresAt: new Date(clock.now().getTime() + ttl) }]);

      await other.leases.release(name, "B");
      expect(await store.leases.list()).toEqual([]);
      expect(await other.leases.renew(name, "B", ttl)).toBe(false); // released is gone
      expect(await store.leases.acquire(name, "A", ttl)).toBe(true); // free again at once

      await expect(store.leases.acquire(name, "A", 0)).rejects.toThrow(RangeError);
    });

    it("lists every lease by name", async () => {
      expect(await store.leases.acquire("list-b", "X", ttl)).toBe(true);
      expect(await store.leases.acquire("list-a", "Y", ttl)).toBe(true);
      const names = (await store.leases.list()).map((l) => l.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(["list-a", "list-b"]));
    });

    it("has exactly one winner among concurrent acquirers of a new lease and of an expired one", async () => {
      const race = (name: string) =>
        Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).leases.acquire(name, `holder-${i}`, ttl)));

      const fresh = await race("race-new");
      expect(fresh.filter(Boolean)).toHaveLength(1);
      const winner = `holder-${fresh.indexOf(true)}`;
      expect((await store.leases.list()).find((l) => l.name === "race-new")?.holder).toBe(winner);

      clock.advance(ttl + 1);
      const expired = await race("race-new");
      expect(expired.filter(Boolean)).toHaveLength(1);
      const next = `holder-${expired.indexOf(true)}`;
      expect((await store.leases.list()).find((l) => l.name === "race-new")?.holder).toBe(next);
    });
  });
});
