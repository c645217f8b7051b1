/**
 * One suite body, run against every database in ./databases.ts (SQLite always; PostgreSQL when
 * DATABASE_URL_TEST is set, and required in CI). Everything runs on a real database: the
 * store's guarantees (unique keys, keyset order, conditional updates under races) are the
 * database's, so a fake would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../src/domain/errors.js";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import {
  DuplicateLibraryError,
  MigrationError,
  openStore,
  type OpenedStore,
} from "../../src/store/index.js";
import { shippedMigrations, migrationsDir, findProjectRoot } from "../../src/store/migrations.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock, newLibrary } from "./fixtures.js";
import { rawAll, rawRun } from "../support/raw-sql.js";
import { sql } from "../../src/store/sql/database.js";

announcePostgresqlCoverage("store");

const shipped = shippedMigrations(migrationsDir(findProjectRoot(), "sqlite"));

describe.each(databaseKinds)("store on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  async function freshDatabase(): Promise<TestDatabase> {
    const db = await kind.fresh();
    dropLater.push(db);
    return db;
  }
  async function open(url: string, clock?: ManualClock): Promise<OpenedStore> {
    const store = await openStore({ databaseUrl: url, now: clock?.now });
    closeLater.push(store);
    return store;
  }

  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  describe("start-up migration", () => {
    it("applies every migration to a brand-new database, then takes the fast path", async () => {
      const db = await freshDatabase();
      const logs: string[] = [];
      const first = await openStore({ databaseUrl: db.url, log: (msg) => logs.push(msg) });
      closeLater.push(first);
      expect(first.kind).toBe(kind.name);
      expect(first.migration.path).toBe("slow");
      expect(first.migration.applied).toEqual(shippedMigrations(migrationsDir(findProjectRoot(), kind.name)));
      expect(logs).toContain("store.migrations.applied");
      await first.ping();

      const second = await open(db.url);
      expect(second.migration.path).toBe("fast");
      expect(second.migration.applied).toEqual([]);
      console.log(
        `[${kind.name}] migration slow path ${first.migration.durationMs.toFixed(0)} ms, fast path ${second.migration.durationMs.toFixed(1)} ms`,
      );
      expect(second.migration.durationMs).toBeLessThan(first.migration.durationMs);

      // The tables the next features use exist too, empty.
      const connection = await connect(parseDatabaseUrl(db.url), () => {});
      try {
        expect(await rawAll(connection, `SELECT "id" FROM "LibraryEvent"`)).toEqual([]);
        expect(await rawAll(connection, `SELECT "name" FROM "Lease"`)).toEqual([]);
      } finally {
        await connection.close();
      }
    });

    it("lets several processes start at once on a brand-new database", async () => {
      const db = await freshDatabase();
      const stores = await Promise.all([open(db.url), open(db.url), open(db.url)]);
      expect(stores.some((store) => store.migration.path === "slow")).toBe(true);
      for (const store of stores) await store.ping();
      const after = await open(db.url);
      expect(after.migration.path).toBe("fast");
    });

    it("reports a failing migration with what to do", async () => {
      const db = await freshDatabase();
      // A table in the way: the first migration's CREATE TABLE "Lease" fails.
      const connection = await connect(parseDatabaseUrl(db.url), () => {});
      try {
        if (kind.name === "postgresql") {
          const schema = new URL(db.url).searchParams.get("schema")!;
          await rawRun(connection, `CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        }
        await rawRun(connection, `CREATE TABLE "Lease" ("name" TEXT PRIMARY KEY)`);
      } finally {
        await connection.close();
      }
      const failure = openStore({ databaseUrl: db.url });
      await expect(failure).rejects.toBeInstanceOf(MigrationError);
      await expect(failure).rejects.toThrow(/Database migrations could not be applied/);
      await expect(failure).rejects.toThrow(/What to do:.*npm run db:migrate/s);
      await expect(failure).rejects.toThrow(/migrate resolve --rolled-back/);
    });
  });

  it("never lets a statement land in another request's transaction (SQLite needs the store's serializing)", async () => {
    const { url } = await freshDatabase();
    await open(url);
    const connection = await connect(parseDatabaseUrl(url), () => {});
    const insert = sql(
      `INSERT INTO "CreateIntent" ("id", "tenantId", "inputHash", "state", "input", "region", "createdAt", "updatedAt") VALUES ($1, 't', 'h', 'PENDING', '{}', 'r', $2, $2)`,
    );
    const ids = async () => (await rawAll<{ id: string }>(connection, `SELECT "id" FROM "CreateIntent" ORDER BY "id"`)).map((r) => r.id);
    try {
      // A transaction that stays open for a while and then rolls back...
      const doomed = connection.sql
        .transaction(async (tx) => {
          await tx.run(insert, ["inside", new Date()]);
          await new Promise((resolve) => setTimeout(resolve, 100));
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // ...must not take a write made meanwhile by someone else down with it.
      await connection.sql.run(insert, ["outside", new Date()]);
      expect(await doomed).toBe("roll back");
      expect(await ids()).toEqual(["outside"]);
    } finally {
      await connection.close();
    }
  });

  describe("libraries", () => {
    let store: OpenedStore;
    const clock = new ManualClock();
    beforeAll(async () => {
      store = await open((await freshDatabase()).url, clock);
    });

    it("inserts and finds by id, by ids and by backend id, within the tenant only", async () => {
      const a = await store.libraries.insert(newLibrary({ description: "d", config: '{"x":1}', model: "IMAGE", backend: "MPS" }));
      const b = await store.libraries.insert(newLibrary());
      expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(a.createdAt).toBeInstanceOf(Date);
      expect(a.createdAt.getTime()).toBe(clock.now().getTime());
      expect(a).toMatchObject({ backend: "MPS", model: "IMAGE", description: "d", config: '{"x":1}', activatedAt: null, deleteJobId: null });

      expect(await store.libraries.findById("tenant-a", a.id)).toEqual(a);
      expect(await store.libraries.findById("tenant-b", a.id)).toBeNull();
      expect(await store.libraries.findById("tenant-a", "00000000-0000-0000-0000-000000000000")).toBeNull();

      const many = await store.libraries.findManyByIds("tenant-a", [b.id, a.id, "missing", a.id]);
      expect(many.map((l) => l.id).sort()).toEqual([a.id, b.id].sort());
      expect(await store.libraries.findManyByIds("tenant-b", [a.id])).toEqual([]);
      expect(await store.libraries.findManyByIds("tenant-a", [])).toEqual([]);

      // Page and by-id reads run on prepared statements (on SQLite on a connection of their
      // own): a committed change is visible to them at once, dates included.
      const { library: activated } = await store.libraries.transition(b.id, { status: "OFFLINE", rawStatus: "offline" }, { status: "ACTIVE", rawStatus: "active" });
      expect(activated.activatedAt).toBeInstanceOf(Date);
      expect(await store.libraries.findById("tenant-a", b.id)).toEqual(activated);
      expect((await store.libraries.list("tenant-a", { status: "ACTIVE" }, 10)).items).toEqual([activated]);

      expect(await store.libraries.findByBackendId("default", "MPS", a.backendLibraryId)).toEqual(a);
      expect(await store.libraries.findByBackendId("default", "ICE", a.backendLibraryId)).toBeNull();
      expect(await store.libraries.findByBackendId("tenant:tenant-a", "MPS", a.backendLibraryId)).toBeNull();
    });

    it("refuses a second row for the same backend library with DuplicateLibraryError", async () => {
      const input = newLibrary();
      await store.libraries.insert(input);
      await expect(store.libraries.insert({ ...input, name: "again" })).rejects.toBeInstanceOf(DuplicateLibraryError);
      // A backend library is (account, backend, id): not another tenant of the account, not
      // another region either.
      await expect(store.libraries.insert({ ...input, tenantId: "tenant-b" })).rejects.toBeInstanceOf(DuplicateLibraryError);
      await expect(store.libraries.insert({ ...input, region: "cn-beijing" })).rejects.toBeInstanceOf(DuplicateLibraryError);
      // Another account, or the other backend, may hold the same id.
      await store.libraries.insert({ ...input, tenantId: "tenant-b", account: "tenant:tenant-b" });
      await store.libraries.insert({ ...input, tenantId: "tenant-b", account: "tenant:second-account" });
    });

    it("keeps the first activatedAt and handles deleteJobId", async () => {
      const lib = await store.libraries.insert(newLibrary());
      const first = new Date("2026-02-01T10:00:00.000Z");
      const later = new Date("2026-02-02T10:00:00.000Z");

      const active = await store.libraries.updateStatus(lib.id, { status: "ACTIVE", rawStatus: "active", activatedAt: first });
      expect(active.activatedAt).toEqual(first);
      expect(active.status).toBe("ACTIVE");

      const again = await store.libraries.updateStatus(lib.id, { status: "ACTIVE", rawStatus: "Normal", activatedAt: later });
      expect(again.activatedAt).toEqual(first);
      expect(again.rawStatus).toBe("Normal");

      const deleting = await store.libraries.updateStatus(lib.id, { status: "DELETING", rawStatus: "Deleting", deleteJobId: "job-1" });
      expect(deleting.deleteJobId).toBe("job-1");
      expect(deleting.activatedAt).toEqual(first);
      const still = await store.libraries.updateStatus(lib.id, { status: "DELETING", rawStatus: "Deleting" });
      expect(still.deleteJobId).toBe("job-1");
      const cleared = await store.libraries.updateStatus(lib.id, { status: "DELETED", rawStatus: "Deleted", deleteJobId: null });
      expect(cleared.deleteJobId).toBeNull();

      await expect(
        store.libraries.updateStatus("00000000-0000-0000-0000-000000000000", { status: "ACTIVE", rawStatus: "x" }),
      ).rejects.toSatisfy((e) => e instanceof GatewayError && e.code === "NOT_FOUND");
    });

    it("counts per backend and status across tenants", async () => {
      const counts = await store.libraries.countByBackendAndStatus();
      const total = counts.reduce((sum, c) => sum + c.count, 0);
      const direct =
        (await store.libraries.count("tenant-a", {})) + (await store.libraries.count("tenant-b", {}));
      expect(total).toBe(direct);
      expect(counts).toContainEqual({ backend: "MPS", status: "OFFLINE", count: 1 });
      expect(counts.find((c) => c.backend === "ICE" && c.status === "DELETED")?.count).toBe(1);
    });
  });

  describe("pagination", () => {
    let store: OpenedStore;
    const clock = new ManualClock(Date.parse("2026-03-01T00:00:00.000Z"));
    const tenant = "tenant-pages";
    const models = ["VIDEO", "AUDIO", "IMAGE", "TEXT"] as const;

    beforeAll(async () => {
      store = await open((await freshDatabase()).url, clock);
      // 25 rows; every three share a createdAt, so the id tie-break decides their order.
      for (let i = 0; i < 25; i++) {
        if (i % 3 === 0) clock.advance(1000);
        await store.libraries.insert(
          newLibrary({
            tenantId: tenant,
            name: i % 5 === 0 ? `Promo Clip ${i}` : i === 7 ? "archive_7 (50% off)" : i === 13 ? "archive-13 100%" : `archive-${i}`,
            model: models[i % 4],
            backend: i % 4 < 2 ? "ICE" : "MPS",
            region: i % 2 === 0 ? "cn-shanghai" : "cn-beijing",
            status: i % 3 === 0 ? "ACTIVE" : "OFFLINE",
          }),
        );
      }
      // Noise from another tenant.
      await store.libraries.insert(newLibrary({ tenantId: "tenant-other", name: "Promo other" }));
    });

    async function walk(filter: Parameters<OpenedStore["libraries"]["list"]>[1], pageSize: number) {
      const pages: Array<{ ids: string[]; hasNextPage: boolean }> = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await store.libraries.list(tenant, filter, pageSize, after);
        pages.push({ ids: page.items.map((l) => l.id), hasNextPage: page.hasNextPage });
        const last = page.items.at(-1);
        if (!page.hasNextPage || !last) return { pages, items: pages.flatMap((p) => p.ids) };
        after = { createdAt: last.createdAt, id: last.id };
        if (pages.length > 30) throw new Error("pagination does not end");
      }
    }

    async function expected(predicate: (l: Awaited<ReturnType<OpenedStore["libraries"]["findById"]>>) => boolean) {
      const all = (await store.libraries.list(tenant, {}, 1000)).items;
      return all.filter(predicate);
    }

    it("returns every row exactly once, in (createdAt, id) order, with hasNextPage right", async () => {
      const all = (await store.libraries.list(tenant, {}, 1000)).items;
      expect(all).toHaveLength(25);
      const sorted = [...all].sort(
        (x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
      );
      expect(all.map((l) => l.id)).toEqual(sorted.map((l) => l.id));

      const { pages, items } = await walk({}, 7);
      expect(pages.map((p) => p.ids.length)).toEqual([7, 7, 7, 4]);
      expect(pages.map((p) => p.hasNextPage)).toEqual([true, true, true, false]);
      expect(items).toEqual(all.map((l) => l.id));

      // Page size equal to the total: no next page; one less: one more page of one.
      expect((await store.libraries.list(tenant, {}, 25)).hasNextPage).toBe(false);
      expect((await walk({}, 24)).pages.map((p) => p.ids.length)).toEqual([24, 1]);
      expect(await store.libraries.list(tenant, {}, 0)).toEqual({ items: [], hasNextPage: true });
      await expect(store.libraries.list(tenant, {}, -1)).rejects.toThrow(RangeError);
      expect(await store.libraries.count(tenant, {})).toBe(25);
    });

    it("filters by backend, model, status, region and name (case-insensitive), with totals", async () => {
      const cases = [
        { filter: { backend: "MPS" as const }, keep: (l: any) => l.backend === "MPS" },
        { filter: { model: "AUDIO" as const }, keep: (l: any) => l.model === "AUDIO" },
        { filter: { status: "ACTIVE" as const }, keep: (l: any) => l.status === "ACTIVE" },
        { filter: { region: "cn-beijing" }, keep: (l: any) => l.region === "cn-beijing" },
        { filter: { nameContains: "pROMO" }, keep: (l: any) => l.name.startsWith("Promo") },
        {
          filter: { backend: "ICE" as const, region: "cn-shanghai", nameContains: "ARCHIVE" },
          keep: (l: any) => l.backend === "ICE" && l.region === "cn-shanghai" && l.name.startsWith("archive"),
        },
        { filter: { nameContains: "no such name" }, keep: () => false },
        // LIKE wildcards in the term are literal characters.
        { filter: { nameContains: "%" }, keep: (l: any) => l.name.includes("%") },
        { filter: { nameContains: "_" }, keep: (l: any) => l.name.includes("_") },
        { filter: { nameContains: "E_7 (50%" }, keep: (l: any) => l.name === "archive_7 (50% off)" },
        { filter: { nameContains: "e-1_" }, keep: () => false },
      ];
      for (const { filter, keep } of cases) {
        const want = (await expected(keep)).map((l) => l!.id);
        const { items } = await walk(filter, 2);
        expect(items, JSON.stringify(filter)).toEqual(want);
        expect(await store.libraries.count(tenant, filter), JSON.stringify(filter)).toBe(want.length);
      }
      // The expectations are not vacuous.
      expect((await expected((l) => l!.name.startsWith("Promo"))).length).toBe(5);
      expect((await expected((l) => l!.name.includes("%"))).length).toBe(2);
      expect(await store.libraries.count("tenant-other", { nameContains: "promo" })).toBe(1);
    });
  });

  describe("create intents", () => {
    let store: OpenedStore;
    let other: OpenedStore;
    const clock = new ManualClock(Date.parse("2026-04-01T00:00:00.000Z"));
    const claimInput = (key: string | null, inputHash = "hash-1") => ({
      tenantId: "tenant-a",
      idempotencyKey: key,
      inputHash,
      input: JSON.stringify({ name: "x", hash: inputHash }),
      region: "cn-shanghai",
    });

    beforeAll(async () => {
      const { url } = await freshDatabase();
      store = await open(url, clock);
      // On PostgreSQL a second store on the same database, with its own pool, stands in for
      // another process. Not on SQLite: better-sqlite3 is synchronous, so a second connection
      // in the same process waiting for the file lock would block the event loop, and with it
      // the first connection's commit (a deadlock two real processes do not have).
      other = kind.name === "postgresql" ? await open(url, clock) : store;
    });

    it("lets exactly one of 20 concurrent claims with one key win", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).intents.claim(claimInput("race-key"))),
      );
      const winners = results.filter((r) => r.claimed);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0]!.intent.id;
      for (const r of results) {
        expect(r.intent.id).toBe(winnerId);
        expect(r.intent.state).toBe("PENDING");
      }
    });

    it("never lets null keys collide, and scopes keys per tenant", async () => {
      const [x, y] = await Promise.all([store.intents.claim(claimInput(null)), store.intents.claim(claimInput(null))]);
      expect(x.claimed && y.claimed).toBe(true);
      expect(x.intent.id).not.toBe(y.intent.id);
      expect(x.intent.idempotencyKey).toBeNull();

      const a = await store.intents.claim(claimInput("shared-key"));
      const b = await store.intents.claim({ ...claimInput("shared-key"), tenantId: "tenant-b" });
      expect(a.claimed && b.claimed).toBe(true);
    });

    it("returns the holder's record to a second claim, whatever the hash", async () => {
      const first = await store.intents.claim(claimInput("held-key"));
      const same = await store.intents.claim(claimInput("held-key"));
      const otherHash = await store.intents.claim(claimInput("held-key", "hash-2"));
      expect(same).toEqual({ claimed: false, intent: first.intent });
      expect(otherHash).toEqual({ claimed: false, intent: first.intent });
    });

    it("takes over a FAILED intent with the same input hash, once under a race", async () => {
      const first = await store.intents.claim(claimInput("retry-key"));
      await store.intents.markCalling(first.intent.id, "MPS");
      await store.intents.markFailed(first.intent.id, "BACKEND_ERROR", "refused");
      const failed = await store.intents.findById(first.intent.id);
      expect(failed).toMatchObject({ state: "FAILED", errorCode: "BACKEND_ERROR", errorMessage: "refused", backend: "MPS" });

      const reused = await store.intents.claim(claimInput("retry-key", "hash-other"));
      expect(reused.claimed).toBe(false);
      expect(reused.intent.state).toBe("FAILED");

      clock.advance(1000);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).intents.claim(claimInput("retry-key"))),
      );
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const taken = results.find((r) => r.claimed)!.intent;
      expect(taken).toMatchObject({
        id: first.intent.id,
        state: "PENDING",
        errorCode: null,
        errorMessage: null,
        // Kept, so the service can look for a library an ambiguous failure may have made.
        backend: "MPS",
      });
      expect(taken.updatedAt.getTime()).toBe(clock.now().getTime());
      for (const r of results) expect(r.intent.state).toBe("PENDING");
    });

    it("completes: inserts the library and marks the intent SUCCEEDED in one transaction", async () => {
      const { intent } = await store.intents.claim(claimInput("complete-key"));
      await store.intents.markCalling(intent.id, "ICE");
      await store.intents.markBackendCreated(intent.id, "ice-db-42");
      expect(await store.intents.findById(intent.id)).toMatchObject({ backend: "ICE", backendLibraryId: "ice-db-42", state: "PENDING" });

      const lib = await store.intents.complete(
        intent.id,
        newLibrary({ backend: "ICE", backendLibraryId: "ice-db-42", name: "completed" }),
      );
      expect(await store.libraries.findById("tenant-a", lib.id)).toEqual(lib);
      expect(await store.intents.findById(intent.id)).toMatchObject({ state: "SUCCEEDED", libraryId: lib.id });

      // A second completion that collides with an existing library rolls back entirely.
      const next = await store.intents.claim(claimInput("complete-key-2"));
      await expect(
        store.intents.complete(next.intent.id, newLibrary({ backend: "ICE", backendLibraryId: "ice-db-42", name: "dup" })),
      ).rejects.toBeInstanceOf(DuplicateLibraryError);
      expect(await store.intents.findById(next.intent.id)).toMatchObject({ state: "PENDING", libraryId: null });
      expect(await store.libraries.count("tenant-a", { nameContains: "dup" })).toBe(0);

      // And completing an intent that does not exist leaves no library behind.
      await expect(
        store.intents.complete("00000000-0000-0000-0000-000000000000", newLibrary({ name: "orphan" })),
      ).rejects.toThrow(/does not exist/);
      expect(await store.libraries.count("tenant-a", { nameContains: "orphan" })).toBe(0);
    });

    it("lists PENDING intents untouched since a time, and lets one contender take a stale one over", async () => {
      clock.advance(60_000);
      const cutoff = clock.now();
      clock.advance(1);
      const fresh = await store.intents.claim(claimInput("pending-fresh"));
      const pending = await store.intents.listPending(cutoff);
      expect(pending.length).toBeGreaterThan(0);
      for (const intent of pending) {
        expect(intent.state).toBe("PENDING");
        expect(intent.updatedAt.getTime()).toBeLessThan(cutoff.getTime());
      }
      expect(pending.map((i) => i.id)).not.toContain(fresh.intent.id);
      const states = await Promise.all(pending.map((i) => store.intents.findById(i.id)));
      expect(states.every((s) => s?.state === "PENDING")).toBe(true);
      // Ordered by creation.
      const created = pending.map((i) => i.createdAt.getTime());
      expect(created).toEqual([...created].sort((x, y) => x - y));

      const stale = pending[0]!;
      const contenders = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).intents.takeOverStale(stale.id, cutoff)),
      );
      expect(contenders.filter(Boolean)).toHaveLength(1);
      expect((await store.intents.listPending(cutoff)).map((i) => i.id)).not.toContain(stale.id);
      expect(await store.intents.takeOverStale(fresh.intent.id, cutoff)).toBe(false);
    });
  });
});

describe("DATABASE_URL", () => {
  it("refuses an unknown scheme, naming the variable and the accepted forms", async () => {
    await expect(openStore({ databaseUrl: "mysql://root@localhost/gateway" })).rejects.toThrow(
      /DATABASE_URL has the unsupported scheme "mysql:".*file:\.\/data\/gateway\.db.*postgresql:\/\//,
    );
    await expect(openStore({ databaseUrl: "file::memory:" })).rejects.toThrow(/DATABASE_URL/);
  });

  it("says which database could not be opened, without its password", async () => {
    const failure = openStore({ databaseUrl: "postgresql://gateway:s3cret@127.0.0.1:1/gateway" });
    await expect(failure).rejects.toThrow(
      /Cannot open the database named by DATABASE_URL \(postgresql:\/\/gateway:\*\*\*@127\.0\.0\.1:1\/gateway\): .*127\.0\.0\.1:1/,
    );
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it("parses SQLite and PostgreSQL forms", () => {
    expect(parseDatabaseUrl("file:./data/gateway.db", "/srv/app")).toEqual({
      kind: "sqlite",
      file: "/srv/app/data/gateway.db",
      url: "file:/srv/app/data/gateway.db",
    });
    expect(parseDatabaseUrl("file:///var/lib/g.db?connection_limit=1").kind).toBe("sqlite");
    expect(parseDatabaseUrl("postgres://u:p@h:5432/db?schema=s&sslmode=disable")).toMatchObject({
      kind: "postgresql",
      schema: "s",
      connectionString: "postgres://u:p@h:5432/db?sslmode=disable",
    });
  });

  it("ships the same migrations for both databases", () => {
    expect(shippedMigrations(migrationsDir(findProjectRoot(), "postgresql"))).toEqual(shipped);
  });
});
