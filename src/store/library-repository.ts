/**
 * The registry of libraries, on Prisma.
 *
 * Pages are keyset pages ordered by (createdAt, id): "rows after this position" is an index
 * range scan on (tenantId, createdAt, id) however deep the page, and rows inserted meanwhile
 * never shift a page the way OFFSET does. One extra row is read to know whether there is a
 * next page, so no second COUNT query is needed for hasNextPage.
 *
 * The hot reads (a page, and libraries by id for the request's DataLoader) skip Prisma and run
 * prepared statements on the driver (hot-reads.ts), and so does totalCount (library-counts.ts:
 * trigger-kept counts per tenant, backend, model, status and region). A page asked for with its
 * totalCount under a name filter reads both in one statement (hot-reads.ts, countedPage).
 * Everything else goes through Prisma.
 *
 * Status changes the watcher and refreshes observe go through `transition`, a compare-and-set
 * that writes the row and appends its LibraryEvent in one transaction. updatedAt is always
 * written from the store's clock (the schema has no @updatedAt): moving the watcher's schedule
 * (scheduleChecks) is not a change of the library and leaves it alone.
 */
import { randomUUID } from "node:crypto";
import type { Library } from "../domain/library.js";
import { notFound } from "../domain/errors.js";
import type { FingerprintBackend, LibraryStatus } from "../domain/model.js";
import { FINGERPRINT_BACKENDS, LIBRARY_STATUSES, shardOf, UNSETTLED_STATUSES } from "../domain/model.js";
import type { UseDb } from "./client.js";
import type { SqlDatabase } from "./sql/database.js";
import { writeCheckSchedule } from "./watcher-schedule-writes.js";
import { createHotReads, type DirectDriver, type HotLibraryReads } from "./hot-reads.js";
import type { Library as LibraryRow, Prisma } from "./generated/postgresql/client.js";
import { LibraryCounts } from "./library-counts.js";
import { librarySnapshot, toLibrary, toLibraryEvent } from "./mapping.js";
import {
  DuplicateLibraryError,
  type LibraryCursor,
  type LibraryEvent,
  type LibraryFilter,
  type LibraryPage,
  type LibraryRepository,
  type NewLibrary,
  type StatusUpdate,
  type TransitionResult,
  type WatchedLibrary,
} from "./ports.js";
import { isRecordNotFound, isUniqueViolation } from "./prisma-errors.js";

export type Clock = () => Date;

/** The account of rows from before the account column (see the library_account migration). */
export const LEGACY_ACCOUNT_PREFIX = "legacy:";

export class PrismaLibraryRepository implements LibraryRepository {
  private readonly hot: HotLibraryReads;
  private readonly counts: LibraryCounts;

  constructor(
    private readonly use: UseDb,
    _kind: "sqlite" | "postgresql",
    driver: DirectDriver,
    private readonly db: SqlDatabase,
    private readonly now: Clock = () => new Date(),
  ) {
    this.hot = createHotReads(driver);
    this.counts = new LibraryCounts(driver);
  }

  async findById(tenantId: string, id: string): Promise<Library | null> {
    const [library] = await this.hot.byIds(tenantId, [id]);
    return library ?? null;
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    if (ids.length === 0) return [];
    return this.hot.byIds(tenantId, [...new Set(ids)]);
  }

  async findByBackendId(account: string, backend: FingerprintBackend, backendLibraryId: string): Promise<Library | null> {
    const row = await this.use((db) =>
      db.library.findUnique({ where: { account_backend_backendLibraryId: { account, backend, backendLibraryId } } }),
    );
    return row && toLibrary(row);
  }

  async assignLegacyAccounts(accountOf: (tenantId: string) => string): Promise<{ assigned: number; conflicts: Library[] }> {
    const legacy = await this.use((db) => db.library.findMany({ where: { account: { startsWith: LEGACY_ACCOUNT_PREFIX } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }));
    let assigned = 0;
    const conflicts: Library[] = [];
    // One row at a time, oldest first: of two tenants holding one backend library, the first
    // registration keeps it, and one conflict does not hold the others back. Runs once per row.
    for (const row of legacy) {
      try {
        await this.use((db) => db.library.update({ where: { id: row.id }, data: { account: accountOf(row.tenantId) } }));
        assigned += 1;
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
      const rows = await this.hot.page(tenantId, filter, first + 1, after);
      return { items: rows.slice(0, first), hasNextPage: rows.length > first };
    }
    if (!filter.nameContains) {
      // The count is a sum over "LibraryCount": cheap on its own, so the two run side by side.
      const [rows, totalCount] = await Promise.all([this.hot.page(tenantId, filter, first + 1, after), this.counts.count(tenantId, filter)]);
      return { items: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
    }
    // A name filter's matches come from the trigram index (PostgreSQL) or a read of the tenant's
    // rows (SQLite), for the page and the count alike: one statement reads them once for both.
    const { libraries, total } = await this.hot.countedPage(tenantId, filter, first + 1, after);
    return {
      items: libraries.slice(0, first),
      hasNextPage: libraries.length > first,
      totalCount: total ?? (await this.counts.count(tenantId, filter)),
    };
  }

  async scanAll(afterId: string | null, limit: number): Promise<Library[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (limit === 0) return [];
    const where = afterId === null ? {} : { id: { gt: afterId } };
    const rows = await this.use((db) => db.library.findMany({ where, orderBy: { id: "asc" }, take: limit }));
    return rows.map(toLibrary);
  }

  /** Exact; from the trigger-kept counts, or the name index's hits (library-counts.ts). */
  async count(tenantId: string, filter: LibraryFilter): Promise<number> {
    return this.counts.count(tenantId, filter);
  }

  async insert(library: NewLibrary): Promise<Library> {
    try {
      const data = this.newLibraryData(library);
      return toLibrary(await this.use((db) => db.library.create({ data })));
    } catch (error) {
      throw this.translateInsertError(error, library);
    }
  }

  async updateStatus(id: string, update: StatusUpdate): Promise<Library> {
    const data = {
      status: update.status,
      rawStatus: update.rawStatus,
      updatedAt: this.now(),
      ...(update.deleteJobId !== undefined ? { deleteJobId: update.deleteJobId } : {}),
    };
    const activatedAt = update.activatedAt;
    try {
      const row = await this.use(async (db) => {
        if (!activatedAt) return db.library.update({ where: { id }, data });
        // activatedAt only where none is set yet, in the same transaction: the first ACTIVE
        // sighting is kept whoever writes later, without a read-then-write race.
        const [, updated] = await db.$transaction([
          db.library.updateMany({ where: { id, activatedAt: null }, data: { activatedAt } }),
          db.library.update({ where: { id }, data }),
        ]);
        return updated;
      });
      return toLibrary(row);
    } catch (error) {
      if (isRecordNotFound(error)) throw notFound(`Library ${id}`);
      throw error;
    }
  }

  /**
   * One interactive transaction (on SQLite one `use` unit, so nothing else's statements land
   * in it):
   *  1. UPDATE ... WHERE id AND status = expected.status AND rawStatus = expected.rawStatus.
   *     On PostgreSQL a concurrent writer of the same row waits for our row lock, re-checks
   *     the WHERE against the committed row (READ COMMITTED) and matches nothing; on SQLite
   *     the database write lock orders writers. So of several identical transitions exactly
   *     one counts 1.
   *  2. Only the winner: activatedAt is set where it is still null, when the new status is
   *     ACTIVE (update.activatedAt, or the clock's now when the caller gave none, so that a
   *     first activation is recorded exactly once whoever observed it). That UPDATE matching
   *     a row is what makes the event a firstActivation. update.activatedAt with a status
   *     other than ACTIVE is ignored here.
   *  3. The row is read back (inside the transaction, still locked) and the event appended
   *     with its snapshot.
   * A miss (count 0) re-reads the row and returns it with event null. When neither status nor
   * rawStatus changes, only deleteJobId (when given) is written, under the same condition,
   * and no event is appended.
   *
   * Event ids: SQLite's AUTOINCREMENT hands them out in commit order (one writer at a time).
   * PostgreSQL's sequence hands them out at INSERT time, so two transitions of different
   * libraries committing concurrently can become visible out of id order (id 8 committed
   * before id 7): a reader that saw 8 may see 7 appear later. Consumers account for this
   * (the relay's listSince sweep); the store does not serialize appends to prevent it.
   */
  async transition(
    id: string,
    expected: { status: LibraryStatus; rawStatus: string },
    update: StatusUpdate,
  ): Promise<TransitionResult> {
    const now = this.now();
    const stillExpected = { id, status: expected.status, rawStatus: expected.rawStatus };
    const changes = update.status !== expected.status || update.rawStatus !== expected.rawStatus;
    const deleteJobId = update.deleteJobId !== undefined ? { deleteJobId: update.deleteJobId } : {};

    const outcome = await this.use((db) =>
      db.$transaction(async (tx): Promise<{ row: LibraryRow | null; event: LibraryEvent | null }> => {
        if (!changes) {
          if (update.deleteJobId !== undefined) {
            await tx.library.updateMany({ where: stillExpected, data: { ...deleteJobId, updatedAt: now } });
          }
          return { row: await tx.library.findUnique({ where: { id } }), event: null };
        }

        const data = { status: update.status, rawStatus: update.rawStatus, updatedAt: now, ...deleteJobId };
        const { count } = await tx.library.updateMany({ where: stillExpected, data });
        if (count === 0) return { row: await tx.library.findUnique({ where: { id } }), event: null };

        let firstActivation = false;
        if (update.status === "ACTIVE") {
          const activated = await tx.library.updateMany({
            where: { id, activatedAt: null },
            data: { activatedAt: update.activatedAt ?? now },
          });
          firstActivation = activated.count === 1;
        }
        const row = await tx.library.findUniqueOrThrow({ where: { id } });
        const library = toLibrary(row);
        const eventRow = await tx.libraryEvent.create({
          data: {
            tenantId: row.tenantId,
            libraryId: row.id,
            backend: row.backend,
            model: row.model,
            previousStatus: expected.status,
            status: update.status,
            rawStatus: update.rawStatus,
            firstActivation,
            occurredAt: now,
            library: librarySnapshot(library),
          },
        });
        return { row, event: toLibraryEvent(eventRow) };
      }),
    );
    if (!outcome.row) throw notFound(`Library ${id}`);
    return { library: toLibrary(outcome.row), event: outcome.event };
  }

  async dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedLibrary[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (shards.length === 0 || limit === 0) return [];
    const rows = await this.use((db) =>
      db.library.findMany({
        where: {
          status: { in: [...UNSETTLED_STATUSES] },
          shard: { in: [...new Set(shards)] },
          OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: now } }],
        },
        // Never-checked first (PostgreSQL sorts NULLs last by default, SQLite first), then the
        // longest overdue; id breaks ties so the order is total.
        orderBy: [{ nextCheckAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
        take: limit,
      }),
    );
    return rows.map((row) => ({ ...toLibrary(row), checkCount: row.checkCount, nextCheckAt: row.nextCheckAt }));
  }

  /** One watcher round's schedule: fixed SQL, for the reasons watcher-schedule-writes.ts gives. */
  async scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void> {
    await writeCheckSchedule(this.db, "Library", schedule);
  }

  async countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: LibraryStatus; count: number }>> {
    const groups = await this.use((db) =>
      db.library.groupBy({
        by: ["backend", "status"],
        _count: { _all: true },
        orderBy: [{ backend: "asc" }, { status: "asc" }],
      }),
    );
    return groups.map((group) => {
      if (!(FINGERPRINT_BACKENDS as readonly string[]).includes(group.backend)) {
        throw new Error(`Stored Library.backend "${group.backend}" is not one of ${FINGERPRINT_BACKENDS.join(", ")}.`);
      }
      if (!(LIBRARY_STATUSES as readonly string[]).includes(group.status)) {
        throw new Error(`Stored Library.status "${group.status}" is not one of ${LIBRARY_STATUSES.join(", ")}.`);
      }
      return {
        backend: group.backend as FingerprintBackend,
        status: group.status as LibraryStatus,
        count: group._count._all,
      };
    });
  }

  /** The create data for a library row; shared with CreateIntentRepository.complete. */
  newLibraryData(library: NewLibrary): Prisma.LibraryCreateInput & { id: string } {
    const now = this.now();
    const id = library.id ?? randomUUID();
    return {
      id,
      shard: shardOf(id),
      tenantId: library.tenantId,
      account: library.account,
      backend: library.backend,
      backendLibraryId: library.backendLibraryId,
      region: library.region,
      name: library.name,
      description: library.description,
      model: library.model,
      config: library.config,
      status: library.status,
      rawStatus: library.rawStatus,
      activatedAt: library.activatedAt ?? null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** P2002 on a library insert means the (account, backend, backendLibraryId) row exists. */
  translateInsertError(error: unknown, library: NewLibrary): unknown {
    if (!isUniqueViolation(error)) return error;
    return new DuplicateLibraryError(
      `Library ${library.backend}/${library.backendLibraryId} of account ${library.account} is already registered.`,
      { cause: error },
    );
  }
}
