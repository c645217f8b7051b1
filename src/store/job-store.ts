/**
 * Fingerprint jobs on the query layer (src/store/sql), with the library registry's guarantees:
 *
 *  - A job row is its own submit intent. `claim` writes it PENDING before the backend is
 *    called, race-safe by the unique index on (tenantId, idempotencyKey): the winner's INSERT
 *    commits, every other one fails with a unique violation and reads the winner's row. A
 *    REFUSED row with the same input hash is taken over by a conditional UPDATE (one winner).
 *  - The submit's hot path is 3 statements, each prepared once (SQLite: on the writer
 *    connection; PostgreSQL: a named statement per pooled connection): the library's read
 *    (the registry's), claim's INSERT (whose row is known in full, so nothing is read back),
 *    and markSubmitted's UPDATE ... RETURNING (the job comes back from the same statement).
 *    Measured (bench/README.md, "Job submits"): through Prisma model calls a submit ran 6
 *    SQLite statements, 5 of them prepared anew per request (create = BEGIN/INSERT/COMMIT,
 *    updateMany, findUnique), and cost 17–27 ms of gateway CPU; with these 3 it cost 7–11 ms.
 *  - The API's reads (a page, jobs by id, totalCount) are job-pages.ts's and see SUBMITTED,
 *    FINGERPRINT rows only; totalCount comes from the trigger-kept "JobCount". SUBMITTED
 *    DELETE_FILES rows are read by id only, the same way (findFileDeletionsByIds), never listed.
 *  - `transition` is a compare-and-set on (status, rawStatus) that writes the row and appends
 *    its JOB event to the one event log (LibraryEvent, kind "JOB") in one transaction, so of
 *    two writers that saw the same change exactly one appends the event.
 *
 * updatedAt is always written from the store's clock; moving the watcher's schedule
 * (scheduleChecks) is not a change of the job and leaves it alone.
 */
import { notFound } from "../domain/errors.js";
import { jobToJson } from "../domain/job-json.js";
import { isFinished, JOB_STATUSES, type FingerprintJob, type JobStatus } from "../domain/job.js";
import type { FingerprintBackend } from "../domain/model.js";
import { appendEvent } from "./event-columns.js";
import {
  INSERT_JOB,
  insertJobParams,
  jobSelect,
  matchesJson,
  newJobRow,
  toFingerprintJob,
  toWatchedJob,
  type JobRow,
  type WatchedJobRow,
} from "./job-columns.js";
import { jobCount, jobCountsByBackendAndStatus, jobPage, jobsByIds } from "./job-pages.js";
import type {
  JobClaim,
  JobCursor,
  JobFilter,
  JobPage,
  JobRepository,
  JobStatusUpdate,
  JobTransitionResult,
  NewJob,
  WatchedJob,
} from "./job-ports.js";
import { librarySelect, toLibrary, type LibraryRow } from "./library-columns.js";
import { librarySnapshot } from "./library-snapshot.js";
import { sql, type SqlDatabase } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";
import { writeCheckSchedule } from "./watcher-schedule-writes.js";

const JOB = jobSelect();

const BY_ID = sql<JobRow>(`SELECT ${JOB} FROM "FingerprintJob" WHERE "id" = $1`);
const BY_KEY = sql<JobRow>(`SELECT ${JOB} FROM "FingerprintJob" WHERE "tenantId" = $1 AND "idempotencyKey" = $2`);
const EXISTS = sql<{ id: string }>(`SELECT "id" FROM "FingerprintJob" WHERE "id" = $1`);

const BY_SEARCH = sql<JobRow>(
  `SELECT ${JOB} FROM "FingerprintJob" WHERE "tenantId" = $1 AND "searchId" = $2 AND "kind" = 'FINGERPRINT' ORDER BY "createdAt" ASC, "id" ASC`,
);

/**
 * A retry of a submit the backend refused: the same row becomes a fresh attempt. Only one
 * concurrent UPDATE can match (PostgreSQL re-checks the WHERE after the row lock and finds
 * PENDING; SQLite has one writer).
 */
const TAKE_OVER_REFUSED = sql<JobRow>(
  `UPDATE "FingerprintJob" SET "submitState" = 'PENDING', "status" = 'QUEUED', "rawStatus" = '', "errorCode" = NULL, "errorMessage" = NULL, ` +
    `"updatedAt" = $2 WHERE "id" = $1 AND "submitState" = 'REFUSED' RETURNING ${JOB}`,
);

/** PENDING -> SUBMITTED, the job back from the same statement. */
const MARK_SUBMITTED = sql<JobRow>(
  `UPDATE "FingerprintJob" SET "submitState" = 'SUBMITTED', "backendJobId" = $2, "status" = 'QUEUED', "nextCheckAt" = $3, "updatedAt" = $4 ` +
    `WHERE "id" = $1 AND "submitState" = 'PENDING' RETURNING ${JOB}`,
);

const MARK_REFUSED = sql(
  `UPDATE "FingerprintJob" SET "submitState" = 'REFUSED', "errorCode" = $2, "errorMessage" = $3, "updatedAt" = $4 ` +
    `WHERE "id" = $1 AND "submitState" = 'PENDING'`,
);

/** Conditional on the staleness it was judged by: a second contender sees the bumped updatedAt. */
const TAKE_OVER_STALE = sql(
  `UPDATE "FingerprintJob" SET "updatedAt" = $3 WHERE "id" = $1 AND "submitState" = 'PENDING' AND "updatedAt" < $2`,
);

const PENDING_BEFORE = sql<JobRow>(
  `SELECT ${JOB} FROM "FingerprintJob" WHERE "submitState" = 'PENDING' AND "updatedAt" < $1 ORDER BY "createdAt" ASC, "id" ASC`,
);

/**
 * The compare-and-set: of several identical transitions exactly one matches (PostgreSQL
 * re-checks the WHERE after the row lock, SQLite has one writer). One statement for every
 * update: a column the update leaves alone is kept by its flag ($n = 1 sets it), so there is
 * one prepared text instead of one per combination of optional fields.
 */
const TRANSITION = sql<JobRow>(
  `UPDATE "FingerprintJob" SET "status" = $4, "rawStatus" = $5, "updatedAt" = $6, ` +
    `"finishedAt" = CASE WHEN $7 = 1 THEN $8 ELSE "finishedAt" END, ` +
    `"errorCode" = CASE WHEN $9 = 1 THEN $10 ELSE "errorCode" END, ` +
    `"errorMessage" = CASE WHEN $11 = 1 THEN $12 ELSE "errorMessage" END, ` +
    `"matches" = CASE WHEN $13 = 1 THEN $14 ELSE "matches" END ` +
    `WHERE "id" = $1 AND "status" = $2 AND "rawStatus" = $3 RETURNING ${JOB}`,
);

/** The job's library, for the event's snapshot. */
const LIBRARY_BY_ID = sql<LibraryRow>(`SELECT ${librarySelect()} FROM "Library" WHERE "id" = $1`);

/** Statuses a job can still leave: the watcher's work (domain constants, so literals in the text). */
const UNFINISHED = JOB_STATUSES.filter((status) => !isFinished(status))
  .map((status) => `'${status}'`)
  .join(", ");

/** The watcher's work list: never-checked first, then the longest overdue; id makes the order total. */
function dueSql(shardIn: string): string {
  return (
    `SELECT ${JOB}, "nextCheckAt", "checkCount" FROM "FingerprintJob" ` +
    `WHERE "submitState" = 'SUBMITTED' AND "status" IN (${UNFINISHED}) AND ${shardIn} AND ("nextCheckAt" IS NULL OR "nextCheckAt" <= $2) ` +
    `ORDER BY "nextCheckAt" ASC NULLS FIRST, "id" ASC LIMIT $3`
  );
}

const DUE_FOR_CHECK = sql<WatchedJobRow>({
  sqlite: dueSql(`"shard" IN (SELECT value FROM json_each($1))`),
  postgresql: dueSql(`"shard" = ANY($1::int[])`),
});

/** A transition's optional column: set it (1, value) or keep what the row holds (0, null). */
function setOrKeep(value: unknown): [number, unknown] {
  return value === undefined ? [0, null] : [1, value];
}

export class JobStore implements JobRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async findById(tenantId: string, id: string): Promise<FingerprintJob | null> {
    const [job] = await jobsByIds(this.db, tenantId, [id], "FINGERPRINT");
    return job ?? null;
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]> {
    if (ids.length === 0) return [];
    return jobsByIds(this.db, tenantId, [...new Set(ids)], "FINGERPRINT");
  }

  async findFileDeletionsByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]> {
    if (ids.length === 0) return [];
    return jobsByIds(this.db, tenantId, [...new Set(ids)], "DELETE_FILES");
  }

  async findRow(id: string): Promise<FingerprintJob | null> {
    const row = await this.db.one(BY_ID, [id]);
    return row ? toFingerprintJob(row) : null;
  }

  async list(tenantId: string, filter: JobFilter, first: number, after?: JobCursor): Promise<JobPage> {
    if (!Number.isInteger(first) || first < 0) throw new RangeError(`first must be a non-negative integer, got ${first}`);
    const rows = await jobPage(this.db, tenantId, filter, first + 1, after);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Exact; from the trigger-kept "JobCount" (job-pages.ts). */
  async count(tenantId: string, filter: JobFilter): Promise<number> {
    return jobCount(this.db, tenantId, filter);
  }

  /** Every submit state (the search's service tells a PENDING or REFUSED job from a visible one), FINGERPRINT jobs only. */
  async listBySearch(tenantId: string, searchId: string): Promise<FingerprintJob[]> {
    return (await this.db.all(BY_SEARCH, [tenantId, searchId])).map(toFingerprintJob);
  }

  async claim(job: NewJob): Promise<JobClaim> {
    const row = newJobRow(job, this.now());
    try {
      await this.db.run(INSERT_JOB, insertJobParams(row));
      // The row is known in full, so nothing is read back.
      return { claimed: true, job: toFingerprintJob(row) };
    } catch (error) {
      if (!isUniqueViolation(error) || job.idempotencyKey === null) throw error;
    }

    const existing = await this.db.one(BY_KEY, [job.tenantId, job.idempotencyKey]);
    if (!existing) {
      // Only a delete of the library (cascade) removes job rows, and not between these two statements in practice.
      throw new Error(`Job for idempotency key "${job.idempotencyKey}" collided but cannot be read back.`);
    }
    if (existing.submitState !== "REFUSED" || existing.inputHash !== job.inputHash) {
      return { claimed: false, job: toFingerprintJob(existing) };
    }
    const takenOver = await this.db.one(TAKE_OVER_REFUSED, [existing.id, this.now()]);
    if (takenOver) return { claimed: true, job: toFingerprintJob(takenOver) };
    // Another retry took it over first: its row as it now is.
    const current = await this.db.one(BY_ID, [existing.id]);
    if (!current) throw new Error(`Job for idempotency key "${job.idempotencyKey}" vanished while being taken over.`);
    return { claimed: false, job: toFingerprintJob(current) };
  }

  /**
   * PENDING -> SUBMITTED (QUEUED, due at firstCheckAt). Repeating it with the same backend job
   * id (a recovery that finds its own earlier answer) returns the job unchanged; any other
   * state is an error, because the row then belongs to another attempt.
   */
  async markSubmitted(id: string, backendJobId: string, firstCheckAt: Date): Promise<FingerprintJob> {
    // The usual case is one statement that returns the job; only a row that was not PENDING is read again.
    const submitted = await this.db.one(MARK_SUBMITTED, [id, backendJobId, firstCheckAt, this.now()]);
    if (submitted) return toFingerprintJob(submitted);
    const row = await this.db.one(BY_ID, [id]);
    if (!row) throw notFound(`Job ${id}`);
    if (row.submitState !== "SUBMITTED" || row.backendJobId !== backendJobId) {
      throw new Error(`Job ${id} cannot be marked submitted as ${backendJobId}: it is ${row.submitState} (backend job ${row.backendJobId ?? "none"}).`);
    }
    return toFingerprintJob(row);
  }

  /** Only a PENDING row is refused; one another attempt has meanwhile submitted stays as it is. */
  async markRefused(id: string, errorCode: string, errorMessage: string): Promise<void> {
    const changed = await this.db.run(MARK_REFUSED, [id, errorCode, errorMessage, this.now()]);
    if (changed === 0 && !(await this.db.one(EXISTS, [id]))) throw notFound(`Job ${id}`);
  }

  async takeOverStale(id: string, olderThan: Date): Promise<boolean> {
    return (await this.db.run(TAKE_OVER_STALE, [id, olderThan, this.now()])) === 1;
  }

  async listPending(olderThan: Date): Promise<FingerprintJob[]> {
    return (await this.db.all(PENDING_BEFORE, [olderThan])).map(toFingerprintJob);
  }

  /**
   * One transaction, as the library registry's transition:
   *  1. the compare-and-set UPDATE (TRANSITION), which returns the row to its one winner;
   *  2. only the winner reads the job's library and appends the JOB event: the library's
   *     snapshot in the format library events use, and the job's (jobToJson).
   * finishedAt is set when the status becomes finished (and left alone between two finished
   * statuses); matches are written when given. No change of status or rawStatus writes
   * nothing and appends nothing; a miss returns the row as it now is.
   */
  async transition(
    id: string,
    expected: { status: JobStatus; rawStatus: string },
    update: JobStatusUpdate,
  ): Promise<JobTransitionResult> {
    const now = this.now();
    if (update.status === expected.status && update.rawStatus === expected.rawStatus) {
      const row = await this.db.one(BY_ID, [id]);
      if (!row) throw notFound(`Job ${id}`);
      return { job: toFingerprintJob(row), eventId: null };
    }
    const finishedAt = isFinished(update.status) ? (isFinished(expected.status) ? undefined : now) : null;
    const params = [
      id,
      expected.status,
      expected.rawStatus,
      update.status,
      update.rawStatus,
      now,
      ...setOrKeep(finishedAt),
      ...setOrKeep(update.errorCode),
      ...setOrKeep(update.errorMessage),
      ...setOrKeep(update.matches === undefined ? undefined : matchesJson(update.matches)),
    ];

    const outcome = await this.db.transaction(async (tx) => {
      const row = await tx.one(TRANSITION, params);
      if (!row) {
        const current = await tx.one(BY_ID, [id]);
        return current ? { job: toFingerprintJob(current), eventId: null } : null;
      }
      const job = toFingerprintJob(row);
      const library = await tx.one(LIBRARY_BY_ID, [job.libraryId]);
      // The foreign key (ON DELETE CASCADE) makes this impossible while the job row exists.
      if (!library) throw new Error(`Job ${id}'s library ${job.libraryId} is missing.`);
      const event = await appendEvent(tx, {
        kind: "JOB",
        tenantId: job.tenantId,
        libraryId: job.libraryId,
        jobId: job.id,
        searchId: job.searchId,
        backend: job.backend,
        model: job.model,
        previousStatus: expected.status,
        status: update.status,
        rawStatus: update.rawStatus,
        firstActivation: false,
        occurredAt: now,
        library: librarySnapshot(toLibrary(library)),
        job: JSON.stringify(jobToJson(job)),
      });
      return { job, eventId: Number(event.id) };
    });
    if (!outcome) throw notFound(`Job ${id}`);
    return outcome;
  }

  async dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedJob[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (shards.length === 0 || limit === 0) return [];
    const rows = await this.db.all(DUE_FOR_CHECK, [[...new Set(shards)], now, limit]);
    return rows.map(toWatchedJob);
  }

  /** One watcher round's schedule: a batch update, as watcher-schedule-writes.ts does it for both watched tables. */
  async scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void> {
    await writeCheckSchedule(this.db, "FingerprintJob", schedule);
  }

  /** Visible jobs (as totalCount counts them), from "JobCount": a few rows per library, never a scan of the jobs. */
  async countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: JobStatus; count: number }>> {
    return jobCountsByBackendAndStatus(this.db);
  }
}
