/**
 * The create path's store (src/store/create-intents.ts) on the query layer: what it writes
 * reads back equal, and its dates are stored in the format the migrations' columns expect
 * (SQLite: ISO text with "+00:00", sql/values.ts sqliteDateTime, the text Prisma wrote, so
 * older files compare and read unchanged; PostgreSQL: TIMESTAMP(3) holding UTC), or the
 * cutoff comparisons (updatedAt < $n) would compare wrongly.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { DuplicateLibraryError, openStore, type OpenedStore } from "../../src/store/index.js";
import { sql } from "../../src/store/sql/database.js";
import { sqliteDateTime } from "../../src/store/sql/values.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("store create intents");

interface StoredDates {
  createdAt: string;
  updatedAt: string;
  kind: string;
}
const INTENT_DATES = sql<StoredDates>({
  sqlite: `SELECT CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", typeof("createdAt") AS "kind" FROM "CreateIntent" WHERE "id" = $1`,
  postgresql: `SELECT CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", pg_typeof("createdAt")::text AS "kind" FROM "CreateIntent" WHERE "id" = $1`,
});
const LIBRARY_DATES = sql<StoredDates>({
  sqlite: `SELECT CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", typeof("createdAt") AS "kind" FROM "Library" WHERE "id" = $1`,
  postgresql: `SELECT CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", pg_typeof("createdAt")::text AS "kind" FROM "Library" WHERE "id" = $1`,
});

describe.each(databaseKinds)("create intents on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });
  async function open(now?: () => Date): Promise<{ db: TestDatabase; store: OpenedStore }> {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url, now });
    closeLater.push(store);
    return { db, store };
  }

  it("reads back what it stores, with dates in the migrations' format", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    const { db, store } = await open(() => at);

    const claimed = await store.intents.claim({ tenantId: "t", idempotencyKey: "k", inputHash: "h", input: "{}", region: "cn-shanghai" });
    expect(claimed.claimed).toBe(true);
    // claim builds its answer without reading the row back: it must be what a read gives.
    expect(await store.intents.findById(claimed.intent.id)).toEqual(claimed.intent);
    const { intent } = claimed;

    await store.intents.markCalling(intent.id, "MPS");
    await store.intents.markBackendCreated(intent.id, "fp-1");
    const library = await store.intents.complete(intent.id, {
      tenantId: "t",
      account: "default",
      backend: "MPS",
      backendLibraryId: "fp-1",
      region: "cn-shanghai",
      name: "n",
      description: null,
      model: "IMAGE",
      config: '{"a":1}',
      status: "OFFLINE",
      rawStatus: "offline",
    });
    // complete builds the Library without reading it back either.
    expect(await store.libraries.findById("t", library.id)).toEqual(library);
    expect(library).toMatchObject({ createdAt: at, updatedAt: at, activatedAt: null, deleteJobId: null });
    expect(await store.intents.findById(intent.id)).toEqual({
      ...intent,
      state: "SUCCEEDED",
      backend: "MPS",
      backendLibraryId: "fp-1",
      libraryId: library.id,
      createdAt: at,
      updatedAt: at,
    });
    // The database's own comparison puts it on the right side of a cutoff, either way.
    expect(await store.intents.listPending(new Date(at.getTime() + 1))).toEqual([]);

    const connection = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      const stored = [await connection.sql.one(INTENT_DATES, [intent.id]), await connection.sql.one(LIBRARY_DATES, [library.id])];
      for (const row of stored) {
        if (kind.name === "sqlite") {
          expect(row).toEqual({ createdAt: sqliteDateTime(at), updatedAt: sqliteDateTime(at), kind: "text" });
          expect(row!.createdAt).toBe("2026-03-04T05:06:07.089+00:00");
        } else {
          // The UTC wall time, whatever the process's or the session's time zone.
          expect(row).toEqual({
            createdAt: "2026-03-04 05:06:07.089",
            updatedAt: "2026-03-04 05:06:07.089",
            kind: "timestamp without time zone",
          });
        }
      }
    } finally {
      await connection.close();
    }
  });

  it("finds stale intents by the stored time, and a FAILED retry reads back as claimed", async () => {
    let now = new Date("2026-05-01T00:00:00.000Z");
    const { store } = await open(() => now);
    const input = { tenantId: "t", idempotencyKey: "retry", inputHash: "h", input: '{"n":1}', region: "r" };
    const first = await store.intents.claim(input);
    const second = await store.intents.claim({ ...input, idempotencyKey: null });

    // Same createdAt: listed by id after it.
    expect((await store.intents.listPending(new Date(now.getTime() + 1))).map((i) => i.id)).toEqual(
      [first.intent.id, second.intent.id].sort(),
    );
    expect(await store.intents.listPending(now)).toEqual([]);

    now = new Date(now.getTime() + 60_000);
    await store.intents.markFailed(first.intent.id, "BACKEND_ERROR", "refused");
    now = new Date(now.getTime() + 1_000);
    const retried = await store.intents.claim({ ...input, input: '{"n":2}', region: "r2" });
    expect(retried).toEqual({
      claimed: true,
      intent: { ...first.intent, input: '{"n":2}', region: "r2", updatedAt: now },
    });
    expect(await store.intents.findById(first.intent.id)).toEqual(retried.intent);

    // A stale takeover bumps updatedAt to now; a second one, judged by the old time, loses.
    const cutoff = new Date(now.getTime() + 1);
    now = new Date(now.getTime() + 5_000);
    expect(await store.intents.takeOverStale(first.intent.id, cutoff)).toBe(true);
    expect(await store.intents.takeOverStale(first.intent.id, cutoff)).toBe(false);
    expect((await store.intents.findById(first.intent.id))!.updatedAt).toEqual(now);
  });

  it("reports a taken library as DuplicateLibraryError and rolls the completion back", async () => {
    const { store } = await open();
    const library = newLibrary({ tenantId: "t" });
    await store.libraries.insert(library);
    const { intent } = await store.intents.claim({ tenantId: "t", idempotencyKey: null, inputHash: "h", input: "{}", region: "r" });
    const error = await store.intents.complete(intent.id, { ...library, name: "dup" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateLibraryError);
    expect((error as Error).message).toBe(
      `Library ${library.backend}/${library.backendLibraryId} of account default is already registered.`,
    );
    expect(await store.intents.findById(intent.id)).toEqual(intent);
    expect(await store.libraries.count("t", { nameContains: "dup" })).toBe(0);
  });

  it("reports a missing intent and leaves no library behind", async () => {
    const { store } = await open();
    await expect(store.intents.markCalling("nope", "ICE")).rejects.toThrow(/Create intent nope does not exist/);
    await expect(store.intents.markBackendCreated("nope", "x")).rejects.toThrow(/does not exist/);
    await expect(store.intents.markFailed("nope", "X", "y")).rejects.toThrow(/does not exist/);
    await expect(store.intents.complete("nope", newLibrary({ tenantId: "t", name: "orphan" }))).rejects.toThrow(/does not exist/);
    expect(await store.intents.findById("nope")).toBeNull();
    expect(await store.libraries.count("t", {})).toBe(0);
  });
});
