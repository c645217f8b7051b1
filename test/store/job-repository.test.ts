/**
 * Fingerprint jobs and duplicate searches in the store, on every database in
 * ../support/databases.ts: the claim (idempotency key, races, takeovers), what the API sees
 * (SUBMITTED, FINGERPRINT rows of the caller's tenant only), keyset pages with every filter,
 * totalCount against COUNT(*), the compare-and-set transition and its JOB event, and the
 * watcher's work list. Races use two stores on PostgreSQL (two pools stand in for two
 * processes) and one on SQLite (one writer per process anyway).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobToJson } from "../../src/domain/job-json.js";
import { FINISHED_JOB_STATUSES, type FingerprintJob, type JobMode } from "../../src/domain/job.js";
import type { Library } from "../../src/domain/library.js";
import { shardOf, WATCHER_SHARD_COUNT } from "../../src/domain/model.js";
import { connect, type Connection } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type JobFilter, type NewJob, type OpenedStore } from "../../src/store/index.js";
import { librarySnapshot } from "../../src/store/library-snapshot.js";
import { sql } from "../../src/store/sql/database.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock, newLibrary } from "./fixtures.js";

announcePostgresqlCoverage("job repository");

let serial = 0;
function newJob(library: Library, overrides: Partial<NewJob> = {}): NewJob {
  serial += 1;
  return {
    tenantId: library.tenantId,
    library: { ...library, account: "default" },
    kind: "FINGERPRINT",
    mode: "SAVE",
    primaryKey: `pk-${serial}`,
    media: JSON.stringify({ kind: "oss", bucket: "b", object: `o-${serial}.mp4`, location: "oss-cn-shanghai" }),
    similarityThreshold: 0.8,
    userData: null,
    searchId: null,
    idempotencyKey: null,
    inputHash: `hash-${serial}`,
    ...overrides,
  };
}

const VISIBLE_SQL = `"submitState" = 'SUBMITTED' AND "kind" = 'FINGERPRINT'`;

describe.each(databaseKinds)("job repository on $name", (kind: DatabaseKind) => {
  const clock = new ManualClock(Date.parse("2026-06-01T00:00:00.000Z"));
  let db: TestDatabase;
  let store: OpenedStore;
  /** Another "process" on PostgreSQL; the same store on SQLite. */
  let other: OpenedStore;
  let raw: Connection;

  beforeAll(async () => {
    db = await kind.fresh();
    store = await openStore({ databaseUrl: db.url, now: clock.now });
    other = kind.name === "sqlite" ? store : await openStore({ databaseUrl: db.url, now: clock.now });
    raw = await connect(parseDatabaseUrl(db.url), () => {});
  });
  afterAll(async () => {
    await raw?.close();
    if (other !== store) await other?.close();
    await store?.close();
    await db?.drop();
  });

  /** The test's own statements (seeds, cross-checks), on the query layer of a connection of its own. */
  async function query<Rows>(text: string): Promise<Rows> {
    return (await raw.sql.all(sql(text))) as Rows;
  }
  async function execute(text: string): Promise<number> {
    return raw.sql.run(sql(text));
  }

  async function submitted(library: Library, overrides: Partial<NewJob> = {}): Promise<FingerprintJob> {
    const claim = await store.jobs.claim(newJob(library, overrides));
    expect(claim.claimed).toBe(true);
    return store.jobs.markSubmitted(claim.job.id, `backend-${claim.job.id}`, clock.now());
  }

  /** "JobCount" without its zero rows, against a GROUP BY over the visible jobs. */
  async function expectCountTableExact(): Promise<void> {
    const cols = `"tenantId", "libraryId", "backend", "mode", "status"`;
    type Row = { tenantId: string; libraryId: string; backend: string; mode: string; status: string; count: number | bigint };
    const kept = await query<Row[]>(`SELECT ${cols}, "count" FROM "JobCount" WHERE "count" <> 0 ORDER BY ${cols}`);
    const counted = await query<Row[]>(`SELECT ${cols}, COUNT(*) AS "count" FROM "FingerprintJob" WHERE ${VISIBLE_SQL} GROUP BY ${cols} ORDER BY ${cols}`);
    const plain = (rows: Row[]) => rows.map((row) => ({ ...row, count: Number(row.count) }));
    expect(plain(kept)).toEqual(plain(counted));
  }

  /** Every visible job of a tenant, read straight from the table, in (createdAt, id) order. */
  async function visibleJobs(tenantId: string): Promise<FingerprintJob[]> {
    const rows = await query<Array<{ id: string }>>(`SELECT "id" FROM "FingerprintJob" WHERE "tenantId" = '${tenantId}' AND ${VISIBLE_SQL}`);
    const jobs = await Promise.all(rows.map((row) => store.jobs.findRow(row.id)));
    return (jobs as FingerprintJob[]).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async function allPages(tenantId: string, filter: JobFilter, size: number): Promise<FingerprintJob[]> {
    const all: FingerprintJob[] = [];
    for (let after: FingerprintJob | undefined; ; ) {
      const page = await store.jobs.list(tenantId, filter, size, after && { createdAt: after.createdAt, id: after.id });
      expect(page.items.length).toBeLessThanOrEqual(size);
      all.push(...page.items);
      if (!page.hasNextPage) break;
      after = page.items.at(-1);
    }
    return all;
  }

  const matches = (job: FingerprintJob, filter: JobFilter) =>
    (filter.libraryId === undefined || job.libraryId === filter.libraryId) &&
    (filter.status === undefined || job.status === filter.status) &&
    (filter.mode === undefined || job.mode === filter.mode) &&
    (filter.backend === undefined || job.backend === filter.backend) &&
    (filter.searchId === undefined || job.searchId === filter.searchId);

  describe("claim", () => {
    it("writes a PENDING row the API does not see, and one row per idempotency key", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "claim-tenant" }));
      const input = newJob(lib, { idempotencyKey: "key-1", primaryKeys: [] });
      const first = await store.jobs.claim(input);
      expect(first.claimed).toBe(true);
      expect(first.job).toMatchObject({
        tenantId: lib.tenantId,
        libraryId: lib.id,
        account: "default",
        backend: lib.backend,
        region: lib.region,
        model: lib.model,
        submitState: "PENDING",
        status: "QUEUED",
        rawStatus: "",
        backendJobId: null,
        matches: [],
        primaryKeys: [],
        finishedAt: null,
      });
      // The row as claim describes it is the row as stored.
      expect(await store.jobs.findRow(first.job.id)).toEqual(first.job);
      expect(await store.jobs.findById(lib.tenantId, first.job.id)).toBeNull();
      expect(await store.jobs.count(lib.tenantId, {})).toBe(0);
      expect((await store.jobs.list(lib.tenantId, {}, 10)).items).toEqual([]);

      const again = await store.jobs.claim({ ...input, inputHash: "another input" });
      expect(again).toEqual({ claimed: false, job: first.job });
      // Without a key, never a collision.
      const a = await store.jobs.claim(newJob(lib));
      const b = await store.jobs.claim({ ...newJob(lib), inputHash: a.job.inputHash });
      expect(a.claimed && b.claimed).toBe(true);
      expect(a.job.id).not.toBe(b.job.id);
      // Another tenant may use the same key.
      const otherLib = await store.libraries.insert(newLibrary({ tenantId: "claim-tenant-2" }));
      expect((await store.jobs.claim(newJob(otherLib, { idempotencyKey: "key-1" }))).claimed).toBe(true);
    });

    it("gives one winner among parallel claims of one key, and the winner's row to the rest", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "race-tenant" }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : other).jobs.claim(newJob(lib, { idempotencyKey: "raced", inputHash: "same" })),
        ),
      );
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const winner = results.find((r) => r.claimed)!.job;
      for (const r of results) expect(r.job.id).toBe(winner.id);
      const rows = await query<Array<{ n: number | bigint }>>(`SELECT COUNT(*) AS "n" FROM "FingerprintJob" WHERE "idempotencyKey" = 'raced'`);
      expect(Number(rows[0].n)).toBe(1);
    });

    it("takes a REFUSED row over for the same input (one winner), never for another input", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "refused-tenant" }));
      const input = newJob(lib, { idempotencyKey: "retry-me", inputHash: "h1" });
      const first = await store.jobs.claim(input);
      clock.advance(1000);
      await store.jobs.markRefused(first.job.id, "InvalidParameter", "The media is not there.");
      const refused = await store.jobs.findRow(first.job.id);
      expect(refused).toMatchObject({ submitState: "REFUSED", errorCode: "InvalidParameter", errorMessage: "The media is not there." });
      expect(await store.jobs.findById(lib.tenantId, first.job.id)).toBeNull();

      const otherInput = await store.jobs.claim({ ...input, inputHash: "h2" });
      expect(otherInput).toEqual({ claimed: false, job: refused });

      clock.advance(1000);
      const retries = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).jobs.claim(input)));
      expect(retries.filter((r) => r.claimed)).toHaveLength(1);
      for (const r of retries) {
        expect(r.job).toMatchObject({ id: first.job.id, submitState: "PENDING", errorCode: null, errorMessage: null, updatedAt: clock.now() });
      }
      // A PENDING row is not refused twice, and a SUBMITTED one is never refused.
      const job = await store.jobs.markSubmitted(first.job.id, "backend-retry-me", clock.now());
      await store.jobs.markRefused(first.job.id, "Late", "too late");
      expect(await store.jobs.findRow(first.job.id)).toEqual(job);
    });

    it("lets exactly one contender take over a stale PENDING row, and lists it as pending until then", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "stale-tenant" }));
      const { job } = await store.jobs.claim(newJob(lib));
      const claimedAt = clock.now();
      // Not stale yet: updatedAt is not before the cut-off.
      expect(await store.jobs.takeOverStale(job.id, claimedAt)).toBe(false);
      expect((await store.jobs.listPending(claimedAt)).map((j) => j.id)).not.toContain(job.id);

      clock.advance(60_000);
      const cutoff = new Date(clock.now().getTime() - 30_000);
      expect((await store.jobs.listPending(cutoff)).map((j) => j.id)).toContain(job.id);
      const contenders = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).jobs.takeOverStale(job.id, cutoff)));
      expect(contenders.filter(Boolean)).toHaveLength(1);
      expect((await store.jobs.findRow(job.id))!.updatedAt).toEqual(clock.now());
      expect((await store.jobs.listPending(cutoff)).map((j) => j.id)).not.toContain(job.id);
      // A submitted row is never stale.
      clock.advance(60_000);
      await store.jobs.markSubmitted(job.id, "backend-stale", clock.now());
      clock.advance(60_000);
      expect(await store.jobs.takeOverStale(job.id, clock.now())).toBe(false);
    });
  });

  describe("markSubmitted", () => {
    it("makes the job visible, due at the first check; repeating it is harmless, another backend id is an error", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "submit-tenant", backend: "MPS" }));
      const { job } = await store.jobs.claim(newJob(lib, { mode: "SEARCH" }));
      clock.advance(1000);
      const firstCheckAt = new Date(clock.now().getTime() + 5000);
      const visible = await store.jobs.markSubmitted(job.id, "mps-job-1", firstCheckAt);
      expect(visible).toMatchObject({ submitState: "SUBMITTED", backendJobId: "mps-job-1", status: "QUEUED", updatedAt: clock.now() });
      expect(await store.jobs.findById(lib.tenantId, job.id)).toEqual(visible);
      expect(await store.jobs.findManyByIds(lib.tenantId, [job.id, job.id, "nope"])).toEqual([visible]);
      expect((await store.jobs.list(lib.tenantId, {}, 10)).items).toEqual([visible]);
      expect(await store.jobs.count(lib.tenantId, {})).toBe(1);
      expect(await store.jobs.count(lib.tenantId, { backend: "MPS", mode: "SEARCH", status: "QUEUED", libraryId: lib.id })).toBe(1);
      const due = await store.jobs.dueForCheck([shardOf(job.id)], firstCheckAt, 1000);
      expect(due.find((j) => j.id === job.id)).toMatchObject({ nextCheckAt: firstCheckAt, checkCount: 0 });

      expect(await store.jobs.markSubmitted(job.id, "mps-job-1", firstCheckAt)).toEqual(visible);
      await expect(store.jobs.markSubmitted(job.id, "mps-job-2", firstCheckAt)).rejects.toThrow(/cannot be marked submitted/);
      await expect(store.jobs.markSubmitted("no-such-job", "x", firstCheckAt)).rejects.toThrow(/not found/);
    });
  });

  describe("what each tenant sees", () => {
    it("never shows another tenant's job or search on any read", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "owner" }));
      const { search } = await store.searches.claim({ tenantId: "owner", idempotencyKey: null, inputHash: "s", media: "{}", libraryIds: [lib.id] });
      const job = await submitted(lib, { mode: "SEARCH", searchId: search.id });
      const stranger = "stranger";
      expect(await store.jobs.findById(stranger, job.id)).toBeNull();
      expect(await store.jobs.findManyByIds(stranger, [job.id])).toEqual([]);
      expect((await store.jobs.list(stranger, {}, 10)).items).toEqual([]);
      expect((await store.jobs.list(stranger, { libraryId: lib.id }, 10)).items).toEqual([]);
      expect((await store.jobs.list(stranger, { searchId: search.id }, 10)).items).toEqual([]);
      expect(await store.jobs.count(stranger, {})).toBe(0);
      expect(await store.jobs.count(stranger, { libraryId: lib.id })).toBe(0);
      expect(await store.jobs.count(stranger, { searchId: search.id })).toBe(0);
      expect(await store.jobs.listBySearch(stranger, search.id)).toEqual([]);
      expect(await store.searches.findById(stranger, search.id)).toBeNull();
      expect(await store.searches.findManyByIds(stranger, [search.id])).toEqual([]);
      // ...and the owner sees all of it.
      expect(await store.jobs.findById("owner", job.id)).toEqual(job);
      expect(await store.jobs.count("owner", { searchId: search.id })).toBe(1);
      expect(await store.jobs.listBySearch("owner", search.id)).toEqual([job]);
      expect(await store.searches.findManyByIds("owner", [search.id])).toEqual([search]);
    });
  });

  describe("file deletions by id", () => {
    it("reads SUBMITTED DELETE_FILES rows of the tenant only, and never a fingerprint job", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "deleting-tenant", backend: "MPS" }));
      const deletion = (key: string) => ({ kind: "DELETE_FILES" as const, mode: null, primaryKey: "", primaryKeys: [key], media: null });
      const submittedDeletion = await submitted(lib, deletion("gone-1"));
      const pending = (await store.jobs.claim(newJob(lib, deletion("gone-2")))).job;
      const refused = (await store.jobs.claim(newJob(lib, deletion("gone-3")))).job;
      await store.jobs.markRefused(refused.id, "Bad", "bad");
      const job = await submitted(lib);

      const ids = [submittedDeletion.id, pending.id, refused.id, job.id, "nope", submittedDeletion.id];
      expect(await store.jobs.findFileDeletionsByIds(lib.tenantId, ids)).toEqual([submittedDeletion]);
      expect(submittedDeletion).toMatchObject({ kind: "DELETE_FILES", primaryKeys: ["gone-1"], status: "QUEUED" });
      expect(await store.jobs.findFileDeletionsByIds("stranger", ids)).toEqual([]);
      expect(await store.jobs.findFileDeletionsByIds(lib.tenantId, [])).toEqual([]);
      // The job reads, the other way round.
      expect(await store.jobs.findManyByIds(lib.tenantId, ids)).toEqual([job]);
      expect(await store.jobs.findById(lib.tenantId, submittedDeletion.id)).toBeNull();

      // An end the watcher records is what the next read shows.
      clock.advance(1000);
      await store.jobs.transition(submittedDeletion.id, { status: "QUEUED", rawStatus: "" }, { status: "SUCCEEDED", rawStatus: "Success" });
      const [ended] = await store.jobs.findFileDeletionsByIds(lib.tenantId, [submittedDeletion.id]);
      expect(ended).toMatchObject({ status: "SUCCEEDED", rawStatus: "Success", finishedAt: clock.now() });
    });
  });

  describe("list and count", () => {
    const tenantId = "list-tenant";
    let ice: Library;
    let mps: Library;
    let searchId: string;

    beforeAll(async () => {
      ice = await store.libraries.insert(newLibrary({ tenantId, backend: "ICE" }));
      mps = await store.libraries.insert(newLibrary({ tenantId, backend: "MPS", model: "VIDEO" }));
      searchId = (await store.searches.claim({ tenantId, idempotencyKey: "list-search", inputHash: "x", media: "{}", libraryIds: [ice.id, mps.id] })).search.id;
      const modes: JobMode[] = ["SAVE", "SEARCH", "SEARCH_AND_SAVE", "SEARCH_AND_SAVE_IF_UNIQUE"];
      for (let i = 0; i < 23; i += 1) {
        // Several jobs share a createdAt: the id breaks the tie.
        if (i % 3 === 0) clock.advance(1000);
        const library = i % 2 === 0 ? ice : mps;
        const mode = modes[i % modes.length];
        const job = await submitted(library, { mode, searchId: i % 5 === 0 ? searchId : null });
        if (i % 4 === 1) await store.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "RUNNING", rawStatus: "Analysing" });
        if (i % 4 === 2) await store.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "SUCCEEDED", rawStatus: "Success", matches: [] });
      }
      // Rows the API must not list or count: a PENDING, a REFUSED and a DELETE_FILES job.
      await store.jobs.claim(newJob(ice));
      const refused = await store.jobs.claim(newJob(ice));
      await store.jobs.markRefused(refused.job.id, "Bad", "bad");
      const deletion = await store.jobs.claim(newJob(mps, { kind: "DELETE_FILES", mode: null, primaryKey: "", primaryKeys: ["a", "b"], media: null }));
      await store.jobs.markSubmitted(deletion.job.id, "delete-job", clock.now());
      expect((await store.jobs.findRow(deletion.job.id))!.primaryKeys).toEqual(["a", "b"]);
      expect(await store.jobs.findById(tenantId, deletion.job.id)).toBeNull();
    });

    it("pages by (createdAt, id) through every filter, and counts exactly what it pages", async () => {
      const all = await visibleJobs(tenantId);
      expect(all).toHaveLength(23);
      const filters: JobFilter[] = [
        {},
        { libraryId: ice.id },
        { libraryId: mps.id },
        { status: "RUNNING" },
        { status: "SUCCEEDED" },
        { status: "QUEUED" },
        { mode: "SEARCH" },
        { mode: "SAVE" },
        { backend: "ICE" },
        { backend: "MPS" },
        { searchId },
        { libraryId: mps.id, status: "RUNNING", mode: "SEARCH", backend: "MPS" },
        { searchId, status: "QUEUED", backend: "ICE" },
        { libraryId: ice.id, backend: "MPS" },
      ];
      for (const filter of filters) {
        const want = all.filter((job) => matches(job, filter));
        const label = JSON.stringify(filter);
        expect((await allPages(tenantId, filter, 4)).map((j) => j.id), label).toEqual(want.map((j) => j.id));
        expect(await store.jobs.count(tenantId, filter), label).toBe(want.length);
      }
      expect((await store.jobs.list(tenantId, {}, 0)).hasNextPage).toBe(true);
      expect(await store.jobs.listBySearch(tenantId, searchId)).toEqual(all.filter((j) => j.searchId === searchId));
      await expectCountTableExact();
    });

    it("keeps the counts exact through transitions, refusals, takeovers and a library delete", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId, backend: "MPS", model: "AUDIO" }));
      const jobs = await Promise.all(Array.from({ length: 8 }, () => submitted(lib, { mode: "SEARCH_AND_SAVE" })));
      await expectCountTableExact();
      // Many transitions at once, two writers per job.
      await Promise.all(
        jobs.flatMap((job) =>
          [store, other].map((s) => s.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "RUNNING", rawStatus: "Analysing" })),
        ),
      );
      await expectCountTableExact();
      expect(await store.jobs.count(tenantId, { libraryId: lib.id, status: "RUNNING" })).toBe(8);
      await Promise.all(
        jobs.map((job, i) =>
          store.jobs.transition(job.id, { status: "RUNNING", rawStatus: "Analysing" }, { status: FINISHED_JOB_STATUSES[i % 3], rawStatus: "done" }),
        ),
      );
      await expectCountTableExact();
      await store.jobs.scheduleChecks(jobs.map((job) => ({ id: job.id, nextCheckAt: clock.now(), checkCount: 3 })));
      await expectCountTableExact();
      // A refused and retried claim, then submitted.
      const claim = await store.jobs.claim(newJob(lib, { idempotencyKey: "count-retry", inputHash: "c" }));
      await store.jobs.markRefused(claim.job.id, "E", "e");
      await store.jobs.claim(newJob(lib, { idempotencyKey: "count-retry", inputHash: "c" }));
      await store.jobs.markSubmitted(claim.job.id, "count-retry-backend", clock.now());
      await expectCountTableExact();
      expect(await store.jobs.count(tenantId, { libraryId: lib.id })).toBe(9);

      // Rows written in SQL, several per statement (a seed or an import): only visible ones count.
      const at = kind.name === "sqlite" ? `'${clock.now().toISOString().replace("Z", "+00:00")}'` : `'${clock.now().toISOString()}'::timestamp(3)`;
      const seeded = (n: number, jobKind: string, mode: string | null, submitState: string) =>
        `('seed-${lib.id}-${n}', '${tenantId}', '${lib.id}', 'default', 'MPS', 'cn-shanghai', 'AUDIO', '${jobKind}', ${mode === null ? "NULL" : `'${mode}'`}, 'pk', 0.8, 'h', '${submitState}', 'QUEUED', '', ${at}, ${at}, 0)`;
      await execute(
        `INSERT INTO "FingerprintJob" ("id", "tenantId", "libraryId", "account", "backend", "region", "model", "kind", "mode", "primaryKey", "similarityThreshold", "inputHash", "submitState", "status", "rawStatus", "createdAt", "updatedAt", "shard") VALUES ` +
          [seeded(1, "FINGERPRINT", "SAVE", "SUBMITTED"), seeded(2, "FINGERPRINT", "SAVE", "SUBMITTED"), seeded(3, "DELETE_FILES", null, "SUBMITTED"), seeded(4, "FINGERPRINT", "SAVE", "PENDING")].join(", "),
      );
      await expectCountTableExact();
      expect(await store.jobs.count(tenantId, { libraryId: lib.id })).toBe(11);
      await execute(`DELETE FROM "FingerprintJob" WHERE "id" IN ('seed-${lib.id}-1', 'seed-${lib.id}-3', 'seed-${lib.id}-4')`);
      await expectCountTableExact();
      expect(await store.jobs.count(tenantId, { libraryId: lib.id })).toBe(10);

      const before = await store.jobs.count(tenantId, {});
      await execute(`DELETE FROM "Library" WHERE "id" = '${lib.id}'`);
      expect(await store.jobs.findRow(jobs[0].id)).toBeNull();
      await expectCountTableExact();
      expect(await store.jobs.count(tenantId, {})).toBe(before - 10);
      expect(await store.jobs.count(tenantId, { libraryId: lib.id })).toBe(0);
    });

    it("counts jobs by backend and status for the metrics, visible jobs only", async () => {
      const counted = await query<Array<{ backend: string; status: string; n: number | bigint }>>(
        `SELECT "backend", "status", COUNT(*) AS "n" FROM "FingerprintJob" WHERE ${VISIBLE_SQL} GROUP BY "backend", "status" ORDER BY "backend", "status"`,
      );
      expect(await store.jobs.countByBackendAndStatus()).toEqual(counted.map((r) => ({ backend: r.backend, status: r.status, count: Number(r.n) })));
    });
  });

  describe("transition", () => {
    it("appends exactly one JOB event when several writers make the same change, with the job and its library", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "cas-tenant", backend: "ICE", model: "AUDIO" }));
      const { search } = await store.searches.claim({ tenantId: "cas-tenant", idempotencyKey: null, inputHash: "s", media: "{}", libraryIds: [lib.id] });
      const job = await submitted(lib, { mode: "SEARCH", searchId: search.id, similarityThreshold: 0.5 });
      const libraryEventsBefore = await store.events.listAfter("cas-tenant", 0, {}, 1000);
      clock.advance(1000);
      const running = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? store : other).jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "RUNNING", rawStatus: "Analysing" }),
        ),
      );
      expect(running.filter((r) => r.eventId !== null)).toHaveLength(1);
      for (const r of running) expect(r.job).toMatchObject({ status: "RUNNING", rawStatus: "Analysing", finishedAt: null, updatedAt: clock.now() });

      clock.advance(1000);
      const found = [{ primaryKey: "original", similarity: 0.93, segments: [{ inputStart: 0, inputEnd: 4.5, matchStart: 10, matchEnd: 14.5 }] }];
      const done = await Promise.all(
        [store, other].map((s) =>
          s.jobs.transition(job.id, { status: "RUNNING", rawStatus: "Analysing" }, { status: "SUCCEEDED", rawStatus: "Success", matches: found }),
        ),
      );
      const winner = done.find((r) => r.eventId !== null)!;
      expect(done.filter((r) => r.eventId !== null)).toHaveLength(1);
      expect(winner.job).toMatchObject({ status: "SUCCEEDED", matches: found, finishedAt: clock.now() });
      expect(await store.jobs.findById("cas-tenant", job.id)).toEqual(winner.job);

      type EventRow = Record<string, unknown>;
      const select = (id: number) =>
        query<EventRow[]>(
          `SELECT "id", "kind", "tenantId", "libraryId", "jobId", "searchId", "backend", "model", "previousStatus", "status", "rawStatus", "library", "job" FROM "LibraryEvent" WHERE "id" = ${id}`,
        );
      const [row] = await select(winner.eventId!);
      expect(row).toMatchObject({
        kind: "JOB",
        tenantId: "cas-tenant",
        libraryId: lib.id,
        jobId: job.id,
        searchId: search.id,
        backend: "ICE",
        model: "AUDIO",
        previousStatus: "RUNNING",
        status: "SUCCEEDED",
        rawStatus: "Success",
      });
      expect(JSON.parse(row.library as string)).toEqual(JSON.parse(librarySnapshot(lib)));
      expect(JSON.parse(row.job as string)).toEqual(jobToJson(winner.job));
      const jobEvents = await query<EventRow[]>(`SELECT "id" FROM "LibraryEvent" WHERE "jobId" = '${job.id}' ORDER BY "id"`);
      expect(jobEvents.map((e) => Number(e.id))).toEqual([running.find((r) => r.eventId !== null)!.eventId, winner.eventId]);
      // A library filter reads library events only; a job filter and the relay's sweep read the JOB events.
      expect(await store.events.listAfter("cas-tenant", 0, {}, 1000)).toEqual(libraryEventsBefore);
      const [read] = await store.events.listAfter("cas-tenant", winner.eventId! - 1, { kind: "JOB" }, 1);
      expect(read).toMatchObject({ kind: "JOB", id: winner.eventId, jobId: job.id, searchId: search.id, previousStatus: "RUNNING", status: "SUCCEEDED" });
      expect(read!.job).toEqual(winner.job);
      expect((await store.events.listAfterId(0, 100_000)).filter((e) => e.kind === "JOB" && e.jobId === job.id).map((e) => e.id)).toEqual(
        jobEvents.map((e) => Number(e.id)),
      );
    });

    it("on a miss returns the row as it now is; no change writes nothing; an unknown id is NOT_FOUND", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "miss-tenant" }));
      const job = await submitted(lib);
      clock.advance(1000);
      const moved = await store.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "FAILED", rawStatus: "Fail", errorCode: "NoSuchKey", errorMessage: "gone" });
      expect(moved.job).toMatchObject({ status: "FAILED", errorCode: "NoSuchKey", errorMessage: "gone", finishedAt: clock.now() });
      clock.advance(1000);
      const stale = await store.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "RUNNING", rawStatus: "Analysing" });
      expect(stale).toEqual({ job: moved.job, eventId: null });
      const same = await store.jobs.transition(job.id, { status: "FAILED", rawStatus: "Fail" }, { status: "FAILED", rawStatus: "Fail" });
      expect(same).toEqual({ job: moved.job, eventId: null });
      await expect(store.jobs.transition("no-such-job", { status: "QUEUED", rawStatus: "" }, { status: "RUNNING", rawStatus: "x" })).rejects.toThrow(/not found/);
    });

    it("keeps what an update leaves out, sets what it gives (null too), and finishedAt only on becoming finished", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "keep-tenant" }));
      const job = await submitted(lib);
      const found = [{ primaryKey: "k", similarity: 0.9, segments: [] }];
      clock.advance(1000);
      const failedAt = clock.now();
      const failed = await store.jobs.transition(job.id, { status: "QUEUED", rawStatus: "" }, { status: "FAILED", rawStatus: "Fail", errorCode: "E", errorMessage: "m", matches: found });
      expect(failed.job).toMatchObject({ errorCode: "E", errorMessage: "m", matches: found, finishedAt: failedAt });
      // Finished to finished: finishedAt stays; nothing given, nothing changed but the status.
      clock.advance(1000);
      const succeeded = await store.jobs.transition(job.id, { status: "FAILED", rawStatus: "Fail" }, { status: "SUCCEEDED", rawStatus: "Success" });
      expect(succeeded.job).toMatchObject({ status: "SUCCEEDED", errorCode: "E", errorMessage: "m", matches: found, finishedAt: failedAt, updatedAt: clock.now() });
      // Unfinished again: finishedAt cleared; a null given is written.
      const again = await store.jobs.transition(job.id, { status: "SUCCEEDED", rawStatus: "Success" }, { status: "RUNNING", rawStatus: "Analysing", errorCode: null, matches: [] });
      expect(again.job).toMatchObject({ status: "RUNNING", errorCode: null, errorMessage: "m", matches: [], finishedAt: null });
      expect(await store.jobs.findRow(job.id)).toEqual(again.job);
    });
  });

  describe("the watcher's work list", () => {
    it("lists due, unfinished, submitted jobs of the given shards, never-checked and oldest first; scheduleChecks moves them", async () => {
      const lib = await store.libraries.insert(newLibrary({ tenantId: "watch-tenant" }));
      const now = clock.now();
      const pending = (await store.jobs.claim(newJob(lib))).job;
      const jobs: FingerprintJob[] = [];
      for (let i = 0; i < 6; i += 1) jobs.push(await submitted(lib));
      const finished = jobs[5];
      await store.jobs.transition(finished.id, { status: "QUEUED", rawStatus: "" }, { status: "CANCELED", rawStatus: "Canceled" });
      await store.jobs.scheduleChecks([
        { id: jobs[0].id, nextCheckAt: new Date(now.getTime() - 3000), checkCount: 2 },
        { id: jobs[1].id, nextCheckAt: new Date(now.getTime() - 5000), checkCount: 1 },
        { id: jobs[2].id, nextCheckAt: new Date(now.getTime() + 60_000), checkCount: 1 },
        { id: jobs[3].id, nextCheckAt: now, checkCount: 4 },
        { id: "no-such-job", nextCheckAt: now, checkCount: 1 },
      ]);
      await execute(`UPDATE "FingerprintJob" SET "nextCheckAt" = NULL WHERE "id" = '${jobs[4].id}'`);
      const allShards = Array.from({ length: WATCHER_SHARD_COUNT }, (_, i) => i);
      const mine = new Set(jobs.map((j) => j.id));
      const due = (await store.jobs.dueForCheck(allShards, now, 10_000)).filter((j) => mine.has(j.id) || j.id === pending.id);
      expect(due.map((j) => j.id)).toEqual([jobs[4].id, jobs[1].id, jobs[0].id, jobs[3].id]);
      expect(due.map((j) => j.checkCount)).toEqual([0, 1, 2, 4]);
      // updatedAt is not moved by the schedule.
      expect(due[1].updatedAt).toEqual(jobs[1].updatedAt);
      const shard = shardOf(jobs[0].id);
      const ofShard = await store.jobs.dueForCheck([shard], now, 10_000);
      expect(ofShard.every((j) => shardOf(j.id) === shard)).toBe(true);
      expect(ofShard.map((j) => j.id)).toContain(jobs[0].id);
      expect(await store.jobs.dueForCheck([], now, 10)).toEqual([]);
      expect(await store.jobs.dueForCheck(allShards, now, 0)).toEqual([]);
      const limited = await store.jobs.dueForCheck(allShards, now, 1);
      expect(limited).toHaveLength(1);
    });
  });

  describe("duplicate searches", () => {
    it("claims one search per key (also in a race), and keeps the libraries in the caller's order", async () => {
      const input = { tenantId: "search-tenant", idempotencyKey: "search-key", inputHash: "h", media: '{"kind":"mediaId","mediaId":"m"}', libraryIds: ["l2", "l1"] };
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).searches.claim(input)));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const search = results.find((r) => r.claimed)!.search;
      expect(search).toMatchObject({ tenantId: "search-tenant", idempotencyKey: "search-key", libraryIds: ["l2", "l1"], createdAt: clock.now() });
      for (const r of results) expect(r.search).toEqual(search);
      expect(await store.searches.findById("search-tenant", search.id)).toEqual(search);
      const again = await store.searches.claim({ ...input, inputHash: "other" });
      expect(again).toEqual({ claimed: false, search });
      const keyless = await Promise.all([store.searches.claim({ ...input, idempotencyKey: null }), store.searches.claim({ ...input, idempotencyKey: null })]);
      expect(keyless.every((r) => r.claimed)).toBe(true);
      expect(keyless[0].search.id).not.toBe(keyless[1].search.id);
      expect(await store.searches.claim({ ...input, tenantId: "search-tenant-2" })).toMatchObject({ claimed: true });
    });
  });
});
