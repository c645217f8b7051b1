/**
 * A job submit's two writes skip Prisma's query builder (src/store/job-writes*.ts): claim's
 * INSERT and markSubmitted's UPDATE ... RETURNING. What they store must read back through
 * Prisma exactly as a model write would (Prisma's own filters compare the DateTime columns),
 * the row markSubmitted returns must be the row Prisma reads, and a unique violation must
 * still be one the repositories recognise.
 */
import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../src/domain/model.js";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type NewJob, type OpenedStore } from "../../src/store/index.js";
import { isUniqueViolation } from "../../src/store/prisma-errors.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock, newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("store job writes");

describe.each(databaseKinds)("job submit writes on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  async function freshStore(clock: ManualClock): Promise<{ store: OpenedStore; url: string }> {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url, now: clock.now });
    closeLater.push(store);
    return { store, url: db.url };
  }

  it("stores what Prisma stores, and markSubmitted returns the row Prisma reads", async () => {
    const clock = new ManualClock(Date.parse("2026-03-04T05:06:07.089Z"));
    const { store, url } = await freshStore(clock);
    const library = await store.libraries.insert(newLibrary({ tenantId: "t", backend: "MPS", model: "IMAGE" }));
    const { search } = await store.searches.claim({ tenantId: "t", idempotencyKey: null, inputHash: "s", media: "{}", libraryIds: [library.id] });
    // Every nullable column set, so each one travels through the hand-written INSERT and RETURNING.
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
    // Prisma's own comparison on updatedAt finds it on the right side of a cutoff.
    expect((await store.jobs.listPending(new Date(claimedAt.getTime() + 1))).map((j) => j.id)).toEqual([claim.job.id]);
    expect(await store.jobs.listPending(claimedAt)).toEqual([]);

    clock.advance(1500);
    const firstCheckAt = new Date(clock.now().getTime() + 5000);
    const submitted = await store.jobs.markSubmitted(claim.job.id, "fp-job-1", firstCheckAt);
    expect(submitted).toEqual({ ...claim.job, submitState: "SUBMITTED", backendJobId: "fp-job-1", status: "QUEUED", updatedAt: clock.now() });
    expect(await store.jobs.findRow(claim.job.id)).toEqual(submitted);
    // nextCheckAt as Prisma compares it: due at firstCheckAt, not a millisecond before.
    const shard = [shardOf(claim.job.id)];
    expect(await store.jobs.dueForCheck(shard, new Date(firstCheckAt.getTime() - 1), 10)).toEqual([]);
    expect(await store.jobs.dueForCheck(shard, firstCheckAt, 10)).toEqual([{ ...submitted, nextCheckAt: firstCheckAt, checkCount: 0 }]);

    // Byte for byte what a Prisma model write stores (SQLite keeps DateTime as text).
    const connection = await connect(parseDatabaseUrl(url), () => {});
    try {
      await connection.use((d) =>
        d.fingerprintJob.create({
          data: {
            ...Object.fromEntries(Object.entries(claim.job).filter(([key]) => key !== "matches")),
            id: "by-prisma",
            idempotencyKey: null,
            primaryKeys: '["a","b"]',
            shard: 0,
            nextCheckAt: firstCheckAt,
            updatedAt: clock.now(),
          } as never,
        }),
      );
      type Row = { id: string; createdAt: string; updatedAt: string; nextCheckAt: string; similarityThreshold: number };
      const stored = await connection.use((d) =>
        d.$queryRawUnsafe<Row[]>(
          `SELECT "id", CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt", ` +
            `CAST("nextCheckAt" AS TEXT) AS "nextCheckAt", "similarityThreshold" FROM "FingerprintJob"`,
        ),
      );
      const byPrisma = stored.find((row) => row.id === "by-prisma")!;
      const byStore = stored.find((row) => row.id === claim.job.id)!;
      expect({ ...byStore, id: "by-prisma" }).toEqual(byPrisma);
    } finally {
      await connection.close();
    }
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
  });
});
