/**
 * What the job store writes (src/store/job-columns.ts, job-store.ts): claim's INSERT and
 * markSubmitted's UPDATE ... RETURNING, the submit's hot path. The column list must be the
 * table's, the stored text must be the format files already hold (dates as Prisma wrote them:
 * ISO text with "+00:00" on SQLite, TIMESTAMP(3) in UTC on PostgreSQL), the row markSubmitted
 * returns must be the row a read gives, and a unique violation must be one the store
 * recognises.
 */
import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../src/domain/model.js";
import { connect, type Connection } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type NewJob, type OpenedStore } from "../../src/store/index.js";
import { DUPLICATE_SEARCH_COLUMNS, JOB_TABLE_COLUMNS } from "../../src/store/job-columns.js";
import { sql } from "../../src/store/sql/database.js";
import { isUniqueViolation } from "../../src/store/sql/unique-violation.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock, newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("store job writes");

const TABLE_COLUMNS = {
  sqlite: sql<{ name: string }>(`SELECT "name" FROM pragma_table_info($1)`),
  postgresql: sql<{ name: string }>(
    `SELECT column_name::text AS "name" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
  ),
};

const STORED = sql<{ id: string; createdAt: string; updatedAt: string; nextCheckAt: string; similarityThreshold: number; primaryKeys: string }>(
  `SELECT "id", CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", ` +
    `CAST("nextCheckAt" AS TEXT) AS "nextCheckAt", "similarityThreshold", "primaryKeys" FROM "FingerprintJob" WHERE "id" = $1`,
);

describe.each(databaseKinds)("job submit writes on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: Array<OpenedStore | Connection> = [];
  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  async function freshStore(clock: ManualClock): Promise<{ store: OpenedStore; raw: Connection }> {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url, now: clock.now });
    const raw = await connect(parseDatabaseUrl(db.url), () => {});
    closeLater.push(store, raw);
    return { store, raw };
  }

  it("lists every column of the job and search tables, and no other", async () => {
    const { raw } = await freshStore(new ManualClock());
    const columns = async (table: string) => (await raw.sql.all(TABLE_COLUMNS[kind.name], [table])).map((row) => row.name).sort();
    expect(await columns("FingerprintJob")).toEqual([...JOB_TABLE_COLUMNS].sort());
    expect(await columns("DuplicateSearch")).toEqual([...DUPLICATE_SEARCH_COLUMNS].sort());
  });

  it("stores the format the files already hold, and markSubmitted returns the row a read gives", async () => {
    const clock = new ManualClock(Date.parse("2026-03-04T05:06:07.089Z"));
    const { store, raw } = await freshStore(clock);
    const library = await store.libraries.insert(newLibrary({ tenantId: "t", backend: "MPS", model: "IMAGE" }));
    const { search } = await store.searches.claim({ tenantId: "t", idempotencyKey: null, inputHash: "s", media: "{}", libraryIds: [library.id] });
    // Every nullable column set, so each one travels through the INSERT and the RETURNING.
    const input: NewJob = {
      tenantId: "t",
      library: { ...library, account: "default" },
      kind: "FINGERPRINT",
      mode: "SEARCH_AND_SAVE",
      primaryKey: "pk",
      primaryKeys: ["a", "b"],
      media: '{"kind":"oss"}',
      similarityThreshold: 0.625,
      userData: "user data",
      searchId: search.id,
      idempotencyKey: "k",
      inputHash: "h",
    };
    const claimedAt = clock.now();
    const claim = await store.jobs.claim(input);
    expect(claim.claimed).toBe(true);
    expect(await store.jobs.findRow(claim.job.id)).toEqual(claim.job);
    // The stored updatedAt compares as time: on the right side of a cutoff.
    expect((await store.jobs.listPending(new Date(claimedAt.getTime() + 1))).map((j) => j.id)).toEqual([claim.job.id]);
    expect(await store.jobs.listPending(claimedAt)).toEqual([]);

    clock.advance(1500);
    const firstCheckAt = new Date(clock.now().getTime() + 5000);
    const submitted = await store.jobs.markSubmitted(claim.job.id, "fp-job-1", firstCheckAt);
    expect(submitted).toEqual({ ...claim.job, submitState: "SUBMITTED", backendJobId: "fp-job-1", status: "QUEUED", updatedAt: clock.now() });
    expect(await store.jobs.findRow(claim.job.id)).toEqual(submitted);
    // nextCheckAt compares as time: due at firstCheckAt, not a millisecond before.
    const shard = [shardOf(claim.job.id)];
    expect(await store.jobs.dueForCheck(shard, new Date(firstCheckAt.getTime() - 1), 10)).toEqual([]);
    expect(await store.jobs.dueForCheck(shard, firstCheckAt, 10)).toEqual([{ ...submitted, nextCheckAt: firstCheckAt, checkCount: 0 }]);

    // The text as stored: what Prisma wrote before the query layer, so older files read unchanged.
    const text = (iso: string) => (kind.name === "sqlite" ? iso.replace("Z", "+00:00") : iso.replace("T", " ").replace("Z", ""));
    expect(await raw.sql.one(STORED, [claim.job.id])).toEqual({
      id: claim.job.id,
      createdAt: text("2026-03-04T05:06:07.089Z"),
      updatedAt: text("2026-03-04T05:06:08.589Z"),
      nextCheckAt: text("2026-03-04T05:06:13.589Z"),
      similarityThreshold: 0.625,
      primaryKeys: '["a","b"]',
    });
  });

  it("reports a taken id as a unique violation, and a row that is not PENDING as before", async () => {
    const clock = new ManualClock();
    const { store } = await freshStore(clock);
    const library = await store.libraries.insert(newLibrary({ tenantId: "t" }));
    const job: NewJob = {
      tenantId: "t",
      library: { ...library, account: "default" },
      kind: "FINGERPRINT",
      mode: "SAVE",
      primaryKey: "pk",
      media: "{}",
      similarityThreshold: 0.8,
      userData: null,
      searchId: null,
      idempotencyKey: null,
      inputHash: "h",
    };
    const { job: first } = await store.jobs.claim(job);
    // Without a key a collision is not a replay: the error reaches the caller, recognisably.
    const error = await store.jobs.claim({ ...job, id: first.id }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);

    await store.jobs.markRefused(first.id, "X", "refused");
    await expect(store.jobs.markSubmitted(first.id, "late", clock.now())).rejects.toThrow(/cannot be marked submitted as late: it is REFUSED/);
    expect(await store.jobs.findRow(first.id)).toMatchObject({ submitState: "REFUSED", backendJobId: null });
    await expect(store.jobs.markRefused("no-such-job", "X", "x")).rejects.toThrow(/not found/);
  });
});
