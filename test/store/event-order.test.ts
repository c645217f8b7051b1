/**
 * Event ids become visible in id order, so a subscriber resuming `after` the last id it saw
 * misses nothing. Two transactions append events concurrently; the one that appended first
 * stays open longer. Without appendEvent's lock, PostgreSQL would commit the second (higher
 * id) first and a reader would see id N+1 while N is still to come.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { appendEvent, type NewEventRow } from "../../src/store/event-columns.js";
import { openStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { rawAll } from "../support/raw-sql.js";
import { newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("event ids in commit order");

// SQLite needs no test: one writer at a time (its AUTOINCREMENT is commit order), and two
// connections in one process would block each other's event loop (better-sqlite3 is synchronous).
describe.each(databaseKinds.filter((kind) => kind.name === "postgresql"))("event ids in commit order on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  it("never lets a lower id become visible after a higher one", async () => {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url });
    const library = await store.libraries.insert(newLibrary({ tenantId: "t" }));
    await store.close();
    const a = await connect(parseDatabaseUrl(db.url), () => {});
    const b = await connect(parseDatabaseUrl(db.url), () => {});
    const row = (status: string): NewEventRow => ({
      tenantId: "t",
      libraryId: library.id,
      backend: "ICE",
      model: "VIDEO",
      previousStatus: "OFFLINE",
      status,
      rawStatus: status.toLowerCase(),
      firstActivation: false,
      occurredAt: new Date(),
      library: "{}",
      kind: "LIBRARY",
      jobId: null,
      searchId: null,
      job: null,
    });
    const committed: number[] = [];
    const visibleAtEachCommit: number[][] = [];
    const ids = async () => (await rawAll<{ id: number }>(a, `SELECT "id" FROM "LibraryEvent" ORDER BY "id"`)).map((r) => Number(r.id));
    try {
      let appended!: () => void;
      const firstAppended = new Promise<void>((resolve) => (appended = resolve));
      const slow = a.sql.transaction(async (tx) => {
        const event = await appendEvent(tx, row("PAUSED"));
        appended();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return Number(event.id);
      });
      await firstAppended;
      const fast = b.sql.transaction(async (tx) => Number((await appendEvent(tx, row("ACTIVE"))).id));
      const order = await Promise.all([
        slow.then(async (id) => (committed.push(id), visibleAtEachCommit.push(await ids()), id)),
        fast.then(async (id) => (committed.push(id), visibleAtEachCommit.push(await ids()), id)),
      ]);
      // The first to append has the lower id, and is visible no later than the second.
      expect(order[0]).toBeLessThan(order[1]);
      expect(committed).toEqual([...committed].sort((x, y) => x - y));
      for (const visible of visibleAtEachCommit) {
        // Whatever is visible is a prefix of the sequence: no id above a missing one.
        expect(visible).toEqual(visible.slice().sort((x, y) => x - y));
        if (visible.includes(order[1])) expect(visible).toContain(order[0]);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
