/**
 * LibraryRepository.scanAll, the reconciler's walk over the whole registry: every tenant,
 * every status, in id order, in pages that neither skip nor repeat a row, on SQLite and
 * (when DATABASE_URL_TEST is set, always in CI) PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { openStore, type OpenedStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { newLibrary } from "../store/fixtures.js";

announcePostgresqlCoverage("registry scan");

describe.each(databaseKinds)("scanAll on $name", (kind: DatabaseKind) => {
  let db: TestDatabase | undefined;
  let store: OpenedStore | undefined;
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("walks every tenant's libraries of every status, in pages, each exactly once", async () => {
    db = await kind.fresh();
    store = await openStore({ databaseUrl: db.url });
    expect(await store.libraries.scanAll(null, 10)).toEqual([]);

    const inserted = [];
    for (let i = 0; i < 23; i++) {
      const library = await store.libraries.insert(newLibrary({ tenantId: `tenant-${i % 3}`, backend: i % 2 ? "ICE" : "MPS" }));
      if (i % 5 === 0) await store.libraries.updateStatus(library.id, { status: "DELETED", rawStatus: "absent" });
      inserted.push(library.id);
    }

    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.libraries.scanAll(after, 5);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(5);
      seen.push(...page.map((library) => library.id));
      after = page[page.length - 1].id;
    }
    expect(seen).toEqual([...inserted].sort());
    expect(new Set(seen).size).toBe(23);
    const all = await store.libraries.scanAll(null, 100);
    expect(new Set(all.map((library) => library.tenantId))).toEqual(new Set(["tenant-0", "tenant-1", "tenant-2"]));
    expect(all.filter((library) => library.status === "DELETED")).toHaveLength(5);
    expect(await store.libraries.scanAll(null, 0)).toEqual([]);
    await expect(store.libraries.scanAll(null, -1)).rejects.toThrow(RangeError);
  });
});
