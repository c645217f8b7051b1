/**
 * totalCount (LibraryRepository.count) stays exact however a library row changes: the create
 * path (intents.complete), import (libraries.insert), status changes (transition and
 * updateStatus), a delete of the row, and many of them at once. Counts without a name filter
 * come from the "LibraryCount" table the triggers keep, so each step also compares that table
 * with a GROUP BY over "Library" itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FINGERPRINT_BACKENDS, FINGERPRINT_MODELS, LIBRARY_STATUSES } from "../../src/domain/model.js";
import type { Library } from "../../src/domain/library.js";
import { connect, type Connection } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type LibraryFilter, type OpenedStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { newLibrary } from "./fixtures.js";
import { rawAll, rawRun } from "../support/raw-sql.js";

announcePostgresqlCoverage("library counts");

const KEY = ["tenantId", "backend", "model", "status", "region"] as const;
type CountRow = Record<(typeof KEY)[number], string> & { count: number };

describe.each(databaseKinds)("library counts on $name", (kind: DatabaseKind) => {
  let db: TestDatabase;
  let store: OpenedStore;
  let raw: Connection;

  beforeAll(async () => {
    db = await kind.fresh();
    store = await openStore({ databaseUrl: db.url });
    raw = await connect(parseDatabaseUrl(db.url), () => {});
  });
  afterAll(async () => {
    await raw?.close();
    await store?.close();
    await db?.drop();
  });

  /** The count table, without its zero rows, against a GROUP BY over the libraries. */
  async function expectCountTableExact(): Promise<void> {
    const cols = KEY.map((k) => `"${k}"`).join(", ");
    const kept = await rawAll<CountRow>(raw, `SELECT ${cols}, "count" FROM "LibraryCount" WHERE "count" <> 0 ORDER BY ${cols}`);
    const counted = await rawAll<CountRow>(raw, `SELECT ${cols}, COUNT(*) AS "count" FROM "Library" GROUP BY ${cols} ORDER BY ${cols}`);
    const plain = (rows: CountRow[]) => rows.map((row) => ({ ...row, count: Number(row.count) }));
    expect(plain(kept)).toEqual(plain(counted));
  }

  /** count() for a spread of filters against the libraries read back and filtered here. */
  async function expectCountsExact(tenantId: string): Promise<void> {
    const all: Library[] = [];
    for (let after: Library | undefined; ; ) {
      const page = await store.libraries.list(tenantId, {}, 100, after && { createdAt: after.createdAt, id: after.id });
      all.push(...page.items);
      if (!page.hasNextPage) break;
      after = page.items.at(-1);
    }
    const filters: LibraryFilter[] = [
      {},
      ...FINGERPRINT_BACKENDS.map((backend) => ({ backend })),
      ...FINGERPRINT_MODELS.map((model) => ({ model })),
      ...LIBRARY_STATUSES.map((status) => ({ status })),
      { region: "cn-beijing" },
      { backend: "ICE", status: "ACTIVE" },
      { backend: "MPS", model: "IMAGE", status: "OFFLINE", region: "cn-shanghai" },
      { nameContains: "Trailer" },
      { nameContains: "trailer", status: "ACTIVE" },
    ];
    for (const filter of filters) {
      const want = all.filter(
        (l) =>
          (filter.backend === undefined || l.backend === filter.backend) &&
          (filter.model === undefined || l.model === filter.model) &&
          (filter.status === undefined || l.status === filter.status) &&
          (filter.region === undefined || l.region === filter.region) &&
          (!filter.nameContains || l.name.toLowerCase().includes(filter.nameContains.toLowerCase())),
      ).length;
      expect(await store.libraries.count(tenantId, filter), JSON.stringify(filter)).toBe(want);
      // The same count read with a page (list's totalCount), which for a name filter is one statement.
      expect((await store.libraries.list(tenantId, filter, 3, undefined, { totalCount: true })).totalCount, `list ${JSON.stringify(filter)}`).toBe(want);
    }
  }

  it("keeps the counts exact through import, create, status changes and a delete", async () => {
    const tenant = "tenant-counts";
    // Import: plain inserts, a mix of every counted column.
    const imported: Library[] = [];
    for (let i = 0; i < 24; i++) {
      imported.push(
        await store.libraries.insert(
          newLibrary({
            tenantId: tenant,
            backend: i % 2 ? "MPS" : "ICE",
            model: FINGERPRINT_MODELS[i % 4],
            region: i % 3 ? "cn-shanghai" : "cn-beijing",
            status: i % 5 ? "ACTIVE" : "OFFLINE",
            name: i % 4 ? `news ${i}` : `Movie TRAILER ${i}`,
          }),
        ),
      );
    }
    // Another tenant's libraries never count for this one.
    await store.libraries.insert(newLibrary({ tenantId: "tenant-elsewhere", name: "trailer" }));
    await expectCountTableExact();
    await expectCountsExact(tenant);

    // The create path: claim, then complete (the library row and the intent in one transaction).
    for (let i = 0; i < 3; i++) {
      const { intent } = await store.intents.claim({ tenantId: tenant, idempotencyKey: `k-${i}`, inputHash: "h", input: "{}", region: "cn-shanghai" });
      await store.intents.markCalling(intent.id, "ICE");
      await store.intents.markBackendCreated(intent.id, `created-${i}`);
      await store.intents.complete(intent.id, newLibrary({ tenantId: tenant, backendLibraryId: `created-${i}`, name: `trailer made ${i}` }));
    }
    await expectCountTableExact();
    await expectCountsExact(tenant);

    // Status changes: the watcher's and refresh's transition, a lost compare-and-set, updateStatus.
    const offline = imported.filter((l) => l.status === "OFFLINE");
    for (const lib of offline) {
      await store.libraries.transition(lib.id, { status: "OFFLINE", rawStatus: lib.rawStatus }, { status: "ACTIVE", rawStatus: "active" });
    }
    const stale = await store.libraries.transition(offline[0]!.id, { status: "OFFLINE", rawStatus: offline[0]!.rawStatus }, { status: "PAUSED", rawStatus: "paused" });
    expect(stale.event).toBeNull();
    await store.libraries.updateStatus(imported[1]!.id, { status: "DELETING", rawStatus: "deleting", deleteJobId: "job-1" });
    await store.libraries.updateStatus(imported[2]!.id, { status: "DELETED", rawStatus: "deleted" });
    await store.libraries.updateStatus(imported[3]!.id, { status: "ACTIVE", rawStatus: "active", activatedAt: new Date() });
    // A write that moves no counted column (the watcher's schedule) leaves the counts alone.
    await store.libraries.scheduleChecks(imported.slice(0, 5).map((l) => ({ id: l.id, nextCheckAt: new Date(), checkCount: 3 })));
    await expectCountTableExact();
    await expectCountsExact(tenant);

    // The row itself deleted (no code path does this today; an operator or a cascade might).
    await rawRun(raw, `DELETE FROM "LibraryEvent" WHERE "libraryId" = '${imported[4]!.id}'`);
    await rawRun(raw, `DELETE FROM "CreateIntent" WHERE "libraryId" = '${imported[4]!.id}'`);
    await rawRun(raw, `DELETE FROM "Library" WHERE "id" = '${imported[4]!.id}'`);
    await expectCountTableExact();
    await expectCountsExact(tenant);
    expect(await store.libraries.count(tenant, {})).toBe(24 + 3 - 1);
  });

  it("stays exact under concurrent creates and status changes", async () => {
    const tenant = "tenant-race";
    const libs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.libraries.insert(newLibrary({ tenantId: tenant, status: i % 2 ? "OFFLINE" : "PAUSED" }))),
    );
    // Moves in both directions between the same keys at once: with unordered row locks, two
    // of these would deadlock on PostgreSQL.
    await Promise.all([
      ...libs.map((lib) =>
        store.libraries.transition(
          lib.id,
          { status: lib.status, rawStatus: lib.rawStatus },
          { status: lib.status === "OFFLINE" ? "PAUSED" : "OFFLINE", rawStatus: "moved" },
        ),
      ),
      ...Array.from({ length: 10 }, () => store.libraries.insert(newLibrary({ tenantId: tenant, status: "PAUSED" }))),
    ]);
    await expectCountTableExact();
    await expectCountsExact(tenant);
    expect(await store.libraries.count(tenant, { status: "PAUSED" })).toBe(15 + 10);
  });

  it("matches nameContains literally and ignoring case, in the count as in the page", async () => {
    const tenant = "tenant-names";
    for (const name of ["50% off", "500 off", "a_b", "axb", "back\\slash", "BACKSLASH", "Émile", "trailers"]) {
      await store.libraries.insert(newLibrary({ tenantId: tenant, name }));
    }
    const cases: Array<[string, number]> = [
      ["%", 1],
      ["0% o", 1],
      ["_", 1],
      ["\\", 1],
      ["backslash", 1],
      ["TRAILERS", 1],
      ["ail", 1],
      ["off", 2],
    ];
    for (const [term, want] of cases) {
      const page = await store.libraries.list(tenant, { nameContains: term }, 50);
      expect(page.items.length, `page of ${term}`).toBe(want);
      expect(await store.libraries.count(tenant, { nameContains: term }), `count of ${term}`).toBe(want);
      const counted = await store.libraries.list(tenant, { nameContains: term }, 50, undefined, { totalCount: true });
      expect(counted.items, `counted page of ${term}`).toEqual(page.items);
      expect(counted.totalCount, `counted total of ${term}`).toBe(want);
    }
  });

  it("reads a name filter's pages with their totalCount: the same pages, a count of every page, escaping as the count does", async () => {
    const tenant = "tenant-counted-pages";
    const term = "5%_\\";
    // 7 names that hold the term literally; decoys each match a LIKE pattern that forgot to
    // escape one of its characters ("%", "_" or "\"), or matches only in another tenant.
    const matching = Array.from({ length: 7 }, (_, i) => `A5%_\\b ${i}`);
    const decoys = ["A5x_\\b", "A5%x\\b", "A5%_b", "A5%_xb", "A5_%\\b", "plain"];
    for (let i = 0; i < Math.max(matching.length, decoys.length); i++) {
      if (matching[i]) await store.libraries.insert(newLibrary({ tenantId: tenant, name: matching[i], status: i % 2 ? "ACTIVE" : "OFFLINE" }));
      if (decoys[i]) await store.libraries.insert(newLibrary({ tenantId: tenant, name: decoys[i] }));
    }
    await store.libraries.insert(newLibrary({ tenantId: "tenant-counted-other", name: matching[0] }));

    for (const filter of [{ nameContains: term }, { nameContains: term.toLowerCase(), status: "ACTIVE" as const }, { nameContains: "b 6" }]) {
      const want = await store.libraries.count(tenant, filter);
      const plain: Library[] = [];
      const counted: Library[] = [];
      let after: Library | undefined;
      for (let pages = 0; ; pages++) {
        const cursor = after && { createdAt: after.createdAt, id: after.id };
        const page = await store.libraries.list(tenant, filter, 3, cursor, { totalCount: true });
        const reference = await store.libraries.list(tenant, filter, 3, cursor);
        expect(page.items, `page ${pages} of ${JSON.stringify(filter)}`).toEqual(reference.items);
        expect(page.hasNextPage).toBe(reference.hasNextPage);
        // Every page says the count of all pages, not of what follows its cursor.
        expect(page.totalCount, `totalCount on page ${pages} of ${JSON.stringify(filter)}`).toBe(want);
        plain.push(...reference.items);
        counted.push(...page.items);
        if (!page.hasNextPage) break;
        after = page.items.at(-1);
      }
      expect(counted).toEqual(plain);
      expect(counted.length, JSON.stringify(filter)).toBe(want);
      expect(counted.every((l) => l.name.toLowerCase().includes(filter.nameContains.toLowerCase()))).toBe(true);
    }
    expect(await store.libraries.count(tenant, { nameContains: term })).toBe(7);
    expect(await store.libraries.count(tenant, { nameContains: term, status: "ACTIVE" })).toBe(3);

    // A page after the last match has no row to carry the count: it is counted on its own.
    const all = await store.libraries.list(tenant, { nameContains: term }, 50);
    const last = all.items.at(-1)!;
    const beyond = await store.libraries.list(tenant, { nameContains: term }, 3, { createdAt: last.createdAt, id: last.id }, { totalCount: true });
    expect(beyond).toEqual({ items: [], hasNextPage: false, totalCount: 7 });
    // No match at all, and a page of size 0 (it still reads one row to learn hasNextPage).
    expect(await store.libraries.list(tenant, { nameContains: "nowhere" }, 3, undefined, { totalCount: true })).toEqual({ items: [], hasNextPage: false, totalCount: 0 });
    expect(await store.libraries.list(tenant, { nameContains: term }, 0, undefined, { totalCount: true })).toEqual({ items: [], hasNextPage: true, totalCount: 7 });
  });
});
