/**
 * The registry of libraries, on the query layer (src/store/sql): every method is fixed SQL
 * on a SqlDatabase, the same text for both databases unless the statement says otherwise.
 *
 * The API's reads are library-pages.ts (a keyset page, libraries by id) and library-counts.ts
 * (totalCount: trigger-kept counts per tenant, backend, model, status and region). A page
 * asked for with its totalCount under a name filter reads both in one statement
 * (LibraryPages.countedPage).
 *
 * Status changes the watcher and refreshes observe go through `transition`, a compare-and-set
 * that writes the row and appends its LibraryEvent in one transaction. updatedAt is always
 * written from the store's clock (the schema has no @updatedAt): moving the watcher's schedule
 * (scheduleChecks) is not a change of the library and leaves it alone.
 */
import type { Library } from "../domain/library.js";
import { notFound } from "../domain/errors.js";
import type { FingerprintBackend, LibraryStatus } from "../domain/model.js";
import { FINGERPRINT_BACKENDS, LIBRARY_STATUSES, UNSETTLED_STATUSES } from "../domain/model.js";
import type { Clock } from "./clock.js";
import { appendEvent } from "./event-columns.js";
import { toLibraryEvent } from "./event-mapping.js";
import {
  INSERT_LIBRARY,
  insertLibraryParams,
  libraryOfNewRow,
  librarySelect,
  newLibraryRow,
  toLibrary,
  libraryInsertError,
  type LibraryRow,
} from "./library-columns.js";
import { LibraryCounts } from "./library-counts.js";
import { LibraryPages } from "./library-pages.js";
import { librarySnapshot } from "./library-snapshot.js";
import {
  type LibraryCursor,
  type LibraryFilter,
  type LibraryPage,
  type LibraryRepository,
  type NewLibrary,
  type StatusUpdate,
  type TransitionResult,
  type WatchedLibrary,
} from "./ports.js";
import { sql, type SqlDatabase, type SqlSession } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";
import { readInteger, readOptionalDate } from "./sql/values.js";
import { writeCheckSchedule } from "./watcher-schedule-writes.js";

/** The account of rows from before the account column (see the library_account migration). */
export const LEGACY_ACCOUNT_PREFIX = "legacy:";

const SELECT = librarySelect();

const BY_ID = sql<LibraryRow>(`SELECT ${SELECT} FROM "Library" WHERE "Library"."id" = $1`);
const BY_BACKEND_ID = sql<LibraryRow>(
  `SELECT ${SELECT} FROM "Library" WHERE "Library"."account" = $1 AND "Library"."backend" = $2 AND "Library"."backendLibraryId" = $3`,
);
/** Primary-key order: each page is an index range scan however large the registry. */
const SCAN_FIRST = sql<LibraryRow>(`SELECT ${SELECT} FROM "Library" ORDER BY "Library"."id" ASC LIMIT $1`);
const SCAN_AFTER = sql<LibraryRow>(`SELECT ${SELECT} FROM "Library" WHERE "Library"."id" > $1 ORDER BY "Library"."id" ASC LIMIT $2`);

const LEGACY = sql<LibraryRow>(
  `SELECT ${SELECT} FROM "Library" WHERE substr("Library"."account", 1, ${LEGACY_ACCOUNT_PREFIX.length}) = '${LEGACY_ACCOUNT_PREFIX}' ` +
    `ORDER BY "Library"."createdAt" ASC, "Library"."id" ASC`,
);
const SET_ACCOUNT = sql(`UPDATE "Library" SET "account" = $2 WHERE "id" = $1`);

/** status, rawStatus and updatedAt ($2-$4), and deleteJobId ($5) when the update gives one. */
const SET_STATUS = sql<LibraryRow>(
  `UPDATE "Library" SET "status" = $2, "rawStatus" = $3, "updatedAt" = $4 WHERE "id" = $1 RETURNING ${SELECT}`,
);
const SET_STATUS_AND_DELETE_JOB = sql<LibraryRow>(
  `UPDATE "Library" SET "status" = $2, "rawStatus" = $3, "updatedAt" = $4, "deleteJobId" = $5 WHERE "id" = $1 RETURNING ${SELECT}`,
);
/**
 * activatedAt only where none is set yet: the first ACTIVE sighting is kept whoever writes
 * later, without a read-then-write race. The row comes back only when this set it.
 */
const FIRST_ACTIVATION = sql<LibraryRow>(
  `UPDATE "Library" SET "activatedAt" = $2 WHERE "id" = $1 AND "activatedAt" IS NULL RETURNING ${SELECT}`,
);

/** The compare-and-set of `transition`: the row changes only if it still has the expected status and rawStatus ($2, $3). */
const CAS_STATUS = sql<LibraryRow>(
  `UPDATE "Library" SET "status" = $4, "rawStatus" = $5, "updatedAt" = $6 ` +
    `WHERE "id" = $1 AND "status" = $2 AND "rawStatus" = $3 RETURNING ${SELECT}`,
);
const CAS_STATUS_AND_DELETE_JOB = sql<LibraryRow>(
  `UPDATE "Library" SET "status" = $4, "rawStatus" = $5, "updatedAt" = $6, "deleteJobId" = $7 ` +
    `WHERE "id" = $1 AND "status" = $2 AND "rawStatus" = $3 RETURNING ${SELECT}`,
);
const CAS_DELETE_JOB = sql(
  `UPDATE "Library" SET "deleteJobId" = $4, "updatedAt" = $5 WHERE "id" = $1 AND "status" = $2 AND "rawStatus" = $3`,
);

/**
 * The watcher's work list. Never-checked first (PostgreSQL sorts NULLs last by default,
 * SQLite first, so it is said), then the longest overdue; id breaks ties so the order is
 * total. The unsettled statuses are constants in the text, so both planners see them and
 * read the (status, shard, nextCheckAt) index for each status and shard.
 */
const DUE_FOR_CHECK = (() => {
  const statuses = UNSETTLED_STATUSES.map((status) => `'${status}'`).join(", ");
  const where = (shards: string) =>
    `"Library"."status" IN (${statuses}) AND ${shards} AND ("Library"."nextCheckAt" IS NULL OR "Library"."nextCheckAt" <= $2)`;
  const rest = `ORDER BY "Library"."nextCheckAt" ASC NULLS FIRST, "Library"."id" ASC LIMIT $3`;
  const select = `SELECT ${SELECT}, "Library"."checkCount" AS "checkCount", "Library"."nextCheckAt" AS "nextCheckAt" FROM "Library"`;
  return sql<LibraryRow & { checkCount: unknown; nextCheckAt: unknown }>({
    sqlite: `${select} WHERE ${where(`"Library"."shard" IN (SELECT value FROM json_each($1))`)} ${rest}`,
    postgresql: `${select} WHERE ${where(`"Library"."shard" = ANY($1::int[])`)} ${rest}`,
  });
})();

const COUNT_BY_BACKEND_AND_STATUS = sql<{ backend: string; status: string; count: unknown }>(
  `SELECT "backend", "status", COUNT(*) AS "count" FROM "Library" GROUP BY "backend", "status" ORDER BY "backend" ASC, "status" ASC`,
);

export class LibraryRegistry implements LibraryRepository {
  private readonly pages: LibraryPages;
  private readonly counts: LibraryCounts;

  constructor(
    private readonly db: SqlDatabase,
    /** The store's clock; create intents write their library rows with it too. */
    readonly now: Clock = () => new Date(),
  ) {
    this.pages = new LibraryPages(db);
    this.counts = new LibraryCounts(db);
  }

  async findById(tenantId: string, id: string): Promise<Library | null> {
    const [library] = await this.pages.byIds(tenantId, [id]);
    return library ?? null;
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    if (ids.length === 0) return [];
    return this.pages.byIds(tenantId, [...new Set(ids)]);
  }

  async findByBackendId(account: string, backend: FingerprintBackend, backendLibraryId: string): Promise<Library | null> {
    const row = await this.db.one(BY_BACKEND_ID, [account, backend, backendLibraryId]);
    return row ? toLibrary(row) : null;
  }

  async assignLegacyAccounts(accountOf: (tenantId: string) => string): Promise<{ assigned: number; conflicts: Library[] }> {
    const legacy = await this.db.all(LEGACY);
    let assigned = 0;
    const conflicts: Library[] = [];
    // One row at a time, oldest first: of two tenants holding one backend library, the first
    // registration keeps it, and one conflict does not hold the others back. Runs once per row.
    for (const row of legacy) {
      try {
        assigned += await this.db.run(SET_ACCOUNT, [row.id, accountOf(row.tenantId)]);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        conflicts.push(toLibrary(row));
      }
    }
    return { assigned, conflicts };
  }

  async list(tenantId: string, filter: LibraryFilter, first: number, after?: LibraryCursor, want?: { totalCount?: boolean }): Promise<LibraryPage> {
    if (!Number.isInteger(first) || first < 0) throw new RangeError(`first must be a non-negative integer, got ${first}`);
    if (!want?.totalCount) {
      const rows = await this.pages.page(tenantId, filter, first + 1, after);
      return { items: rows.slice(0, first), hasNextPage: rows.length > first };
    }
    if (!filter.nameContains) {
      // The count is a sum over "LibraryCount": cheap on its own, so the two run side by side.
      const [rows, totalCount] = await Promise.all([this.pages.page(tenantId, filter, first + 1, after), this.counts.count(tenantId, filter)]);
      return { items: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
    }
    // A name filter's matches come from the trigram index (PostgreSQL) or a read of the tenant's
    // rows (SQLite), for the page and the count alike: one statement reads them once for both.
    const { libraries, total } = await this.pages.countedPage(tenantId, filter, first + 1, after);
    return {
      items: libraries.slice(0, first),
      hasNextPage: libraries.length > first,
      totalCount: total ?? (await this.counts.count(tenantId, filter)),
    };
  }

  async scanAll(afterId: string | null, limit: number): Promise<Library[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (limit === 0) return [];
    const rows = afterId === null ? await this.db.all(SCAN_FIRST, [limit]) : await this.db.all(SCAN_AFTER, [afterId, limit]);
    return rows.map(toLibrary);
  }

  /** Exact; from the trigger-kept counts, or the name index's hits (library-counts.ts). */
  async count(tenantId: string, filter: LibraryFilter): Promise<number> {
    return this.counts.count(tenantId, filter);
  }

  async insert(library: NewLibrary): Promise<Library> {
    const row = newLibraryRow(library, this.now());
    try {
      await this.db.run(INSERT_LIBRARY, insertLibraryParams(row));
    } catch (error) {
      throw libraryInsertError(error, library);
    }
    return libraryOfNewRow(row);
  }

  async updateStatus(id: string, update: StatusUpdate): Promise<Library> {
    const status = [id, update.status, update.rawStatus, this.now()];
    const setStatus = (on: SqlSession) =>
      update.deleteJobId !== undefined ? on.one(SET_STATUS_AND_DELETE_JOB, [...status, update.deleteJobId]) : on.one(SET_STATUS, status);
    const activatedAt = update.activatedAt;
    const row = activatedAt
      ? // In one transaction with the status, so both or neither are written.
        await this.db.transaction(async (tx) => {
          await tx.run(FIRST_ACTIVATION, [id, activatedAt]);
          return setStatus(tx);
        })
      : await setStatus(this.db);
    if (!row) throw notFound(`Library ${id}`);
    return toLibrary(row);
  }

  /**
   * One transaction (on SQLite one unit of the writer's queue, so nothing else's statements
   * land in it):
   *  1. UPDATE ... WHERE id AND status = expected.status AND rawStatus = expected.rawStatus.
   *     On PostgreSQL a concurrent writer of the same row waits for our row lock, re-checks
   *     the WHERE against the committed row (READ COMMITTED) and matches nothing; on SQLite
   *     the database write lock orders writers. So of several identical transitions exactly
   *     one changes a row.
   *  2. Only the winner: activatedAt is set where it is still null, when the new status is
   *     ACTIVE (update.activatedAt, or the clock's now when the caller gave none, so that a
   *     first activation is recorded exactly once whoever observed it). That UPDATE matching
   *     a row is what makes the event a firstActivation. update.activatedAt with a status
   *     other than ACTIVE is ignored here.
   *  3. The row is read back (RETURNING of the last UPDATE that matched, inside the
   *     transaction, still locked) and the event appended with its snapshot.
   * A miss re-reads the row and returns it with event null. When neither status nor
   * rawStatus changes, only deleteJobId (when given) is written, under the same condition,
   * and no event is appended.
   *
   * Event ids are in commit order on both databases (appendEvent, event-columns.ts, says how),
   * so a subscriber resuming `after` the last id it saw misses nothing.
   */
  async transition(
    id: string,
    expected: { status: LibraryStatus; rawStatus: string },
    update: StatusUpdate,
  ): Promise<TransitionResult> {
    const now = this.now();
    const changes = update.status !== expected.status || update.rawStatus !== expected.rawStatus;
    const outcome = await this.db.transaction(async (tx): Promise<TransitionResult | null> => {
      const stillExpected = [id, expected.status, expected.rawStatus];
      if (!changes) {
        if (update.deleteJobId !== undefined) await tx.run(CAS_DELETE_JOB, [...stillExpected, update.deleteJobId, now]);
        return current(tx, id);
      }

      let row =
        update.deleteJobId !== undefined
          ? await tx.one(CAS_STATUS_AND_DELETE_JOB, [...stillExpected, update.status, update.rawStatus, now, update.deleteJobId])
          : await tx.one(CAS_STATUS, [...stillExpected, update.status, update.rawStatus, now]);
      if (!row) return current(tx, id);

      let firstActivation = false;
      if (update.status === "ACTIVE") {
        const activated = await tx.one(FIRST_ACTIVATION, [id, update.activatedAt ?? now]);
        firstActivation = activated !== undefined;
        row = activated ?? row;
      }
      const library = toLibrary(row);
      const event = await appendEvent(tx, {
        tenantId: library.tenantId,
        libraryId: library.id,
        backend: library.backend,
        model: library.model,
        previousStatus: expected.status,
        status: update.status,
        rawStatus: update.rawStatus,
        firstActivation,
        occurredAt: now,
        library: librarySnapshot(library),
        kind: "LIBRARY",
        jobId: null,
        searchId: null,
        job: null,
      });
      return { library, event: toLibraryEvent(event) };
    });
    if (!outcome) throw notFound(`Library ${id}`);
    return outcome;
  }

  async dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedLibrary[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (shards.length === 0 || limit === 0) return [];
    const rows = await this.db.all(DUE_FOR_CHECK, [[...new Set(shards)], now, limit]);
    return rows.map((row) => ({
      ...toLibrary(row),
      checkCount: readInteger(row.checkCount),
      nextCheckAt: readOptionalDate(row.nextCheckAt, `Library.nextCheckAt of row ${row.id}`),
    }));
  }

  /** One watcher round's schedule, as one batch update (watcher-schedule-writes.ts). */
  async scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void> {
    await writeCheckSchedule(this.db, "Library", schedule);
  }

  async countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: LibraryStatus; count: number }>> {
    const groups = await this.db.all(COUNT_BY_BACKEND_AND_STATUS);
    return groups.map((group) => {
      if (!(FINGERPRINT_BACKENDS as readonly string[]).includes(group.backend)) {
        throw new Error(`Stored Library.backend "${group.backend}" is not one of ${FINGERPRINT_BACKENDS.join(", ")}.`);
      }
      if (!(LIBRARY_STATUSES as readonly string[]).includes(group.status)) {
        throw new Error(`Stored Library.status "${group.status}" is not one of ${LIBRARY_STATUSES.join(", ")}.`);
      }
      return { backend: group.backend as FingerprintBackend, status: group.status as LibraryStatus, count: readInteger(group.count) };
    });
  }

}

/** The row as it now is (a compare-and-set miss), with no event; null when there is no such library. */
async function current(tx: SqlSession, id: string): Promise<TransitionResult | null> {
  const row = await tx.one(BY_ID, [id]);
  return row ? { library: toLibrary(row), event: null } : null;
}
