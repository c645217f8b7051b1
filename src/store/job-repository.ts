/**
 * Fingerprint jobs, on Prisma, with the library registry's guarantees (library-repository.ts,
 * create-intent-repository.ts):
 *
 *  - A job row is its own submit intent. `claim` writes it PENDING before the backend is
 *    called, race-safe by the unique index on (tenantId, idempotencyKey): the winner's INSERT
 *    commits, every other one fails with a unique violation and reads the winner's row. A
 *    REFUSED row with the same input hash is taken over by a conditional UPDATE (one winner).
 *  - The submit's two writes (claim's INSERT, markSubmitted) are hand SQL behind JobWrites
 *    (job-writes.ts: prepared once on SQLite, fixed SQL on PostgreSQL), because through Prisma
 *    model calls they were most of a submit's CPU; everything else here is Prisma.
 *  - The API's reads (a page, jobs by id, totalCount) are prepared SQL on the driver
 *    (job-reads.ts) and see SUBMITTED, FINGERPRINT rows only; totalCount comes from the
 *    trigger-kept "JobCount". SUBMITTED DELETE_FILES rows are read by id only, the same way
 *    (findFileDeletionsByIds), never listed.
 *  - `transition` is a compare-and-set on (status, rawStatus) that writes the row and appends
 *    its JOB event to the one event log (LibraryEvent, kind "JOB") in one transaction, so of
 *    two writers that saw the same change exactly one appends the event.
 *
 * updatedAt is always written from the store's clock; moving the watcher's schedule
 * (scheduleChecks) is not a change of the job and leaves it alone.
 */
import { randomUUID } from "node:crypto";
import { notFound } from "../domain/errors.js";
import { jobToJson } from "../domain/job-json.js";
import { isFinished, JOB_STATUSES, type FingerprintJob, type JobStatus } from "../domain/job.js";
import { FINGERPRINT_BACKENDS, shardOf, type FingerprintBackend } from "../domain/model.js";
import type { UseDb } from "./client.js";
import type { SqlDatabase } from "./sql/database.js";
import { writeCheckSchedule } from "./watcher-schedule-writes.js";
import type { FingerprintJob as FingerprintJobRow } from "./generated/postgresql/client.js";
import type { DirectDriver } from "./hot-reads.js";
import { toFingerprintJob, matchesJson } from "./job-mapping.js";
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
import { createJobReads, type JobReads } from "./job-reads.js";
import type { JobWrites } from "./job-writes.js";
import type { Clock } from "./library-repository.js";
import { librarySnapshot, toLibrary } from "./mapping.js";
import { isUniqueViolation } from "./prisma-errors.js";

/** Statuses a job can still leave: the watcher's work. */
const UNFINISHED_STATUSES: readonly JobStatus[] = JOB_STATUSES.filter((status) => !isFinished(status));

export class PrismaJobRepository implements JobRepository {
  private readonly reads: JobReads;

  constructor(
    private readonly use: UseDb,
    _kind: "sqlite" | "postgresql",
    driver: DirectDriver,
    /** The submit's hot-path writes (job-writes.ts). */
    private readonly writes: JobWrites,
    private readonly db: SqlDatabase,
    private readonly now: Clock = () => new Date(),
  ) {
    this.reads = createJobReads(driver);
  }

  async findById(tenantId: string, id: string): Promise<FingerprintJob | null> {
    const [job] = await this.reads.byIds(tenantId, [id], "FINGERPRINT");
    return job ?? null;
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]> {
    if (ids.length === 0) return [];
    return this.reads.byIds(tenantId, [...new Set(ids)], "FINGERPRINT");
  }

  async findFileDeletionsByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]> {
    if (ids.length === 0) return [];
    return this.reads.byIds(tenantId, [...new Set(ids)], "DELETE_FILES");
  }

  async findRow(id: string): Promise<FingerprintJob | null> {
    const row = await this.use((db) => db.fingerprintJob.findUnique({ where: { id } }));
    return row && toFingerprintJob(row);
  }

  async list(tenantId: string, filter: JobFilter, first: number, after?: JobCursor): Promise<JobPage> {
    if (!Number.isInteger(first) || first < 0) throw new RangeError(`first must be a non-negative integer, got ${first}`);
    const rows = await this.reads.page(tenantId, filter, first + 1, after);
    return { items: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Exact; from the trigger-kept "JobCount" (job-reads.ts). */
  async count(tenantId: string, filter: JobFilter): Promise<number> {
    return this.reads.count(tenantId, filter);
  }

  /** Every submit state (the search's service tells a PENDING or REFUSED job from a visible one), FINGERPRINT jobs only. */
  async listBySearch(tenantId: string, searchId: string): Promise<FingerprintJob[]> {
    const rows = await this.use((db) =>
      db.fingerprintJob.findMany({
        where: { tenantId, searchId, kind: "FINGERPRINT" },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
    return rows.map(toFingerprintJob);
  }

  async claim(job: NewJob): Promise<JobClaim> {
    const now = this.now();
    const id = job.id ?? randomUUID();
    const data = {
      id,
      shard: shardOf(id),
      tenantId: job.tenantId,
      libraryId: job.library.id,
      account: job.library.account,
      backend: job.library.backend,
      region: job.library.region,
      model: job.library.model,
      kind: job.kind,
      mode: job.mode,
      primaryKey: job.primaryKey,
      primaryKeys: job.primaryKeys && job.primaryKeys.length > 0 ? JSON.stringify(job.primaryKeys) : null,
      media: job.media,
      similarityThreshold: job.similarityThreshold,
      userData: job.userData,
      searchId: job.searchId,
      idempotencyKey: job.idempotencyKey,
      inputHash: job.inputHash,
      submitState: "PENDING",
      backendJobId: null,
      status: "QUEUED",
      rawStatus: "",
      errorCode: null,
      errorMessage: null,
      matches: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      nextCheckAt: null,
      checkCount: 0,
    } satisfies FingerprintJobRow;
    try {
      await this.writes.insert(data);
      // The row is known in full, so nothing is read back.
      return { claimed: true, job: toFingerprintJob(data) };
    } catch (error) {
      if (!isUniqueViolation(error) || job.idempotencyKey === null) throw error;
    }

    const key = { tenantId: job.tenantId, idempotencyKey: job.idempotencyKey };
    const existing = await this.use((db) => db.fingerprintJob.findFirst({ where: key }));
    if (!existing) {
      // Only a delete of the library (cascade) removes job rows, and not between these two statements in practice.
      throw new Error(`Job for idempotency key "${job.idempotencyKey}" collided but cannot be read back.`);
    }
    if (existing.submitState !== "REFUSED" || existing.inputHash !== job.inputHash) {
      return { claimed: false, job: toFingerprintJob(existing) };
    }

    // A retry of a submit the backend refused: the same row becomes a fresh attempt. Only one
    // concurrent UPDATE can match (the row lock makes the others re-check and find PENDING).
    const takeover = { submitState: "PENDING", status: "QUEUED", rawStatus: "", errorCode: null, errorMessage: null, updatedAt: this.now() };
    const { count } = await this.use((db) =>
      db.fingerprintJob.updateMany({ where: { id: existing.id, submitState: "REFUSED" }, data: takeover }),
    );
    const current = await this.use((db) => db.fingerprintJob.findUniqueOrThrow({ where: { id: existing.id } }));
    return count === 1 ? { claimed: true, job: toFingerprintJob(current) } : { claimed: false, job: toFingerprintJob(current) };
  }

  /**
   * PENDING -> SUBMITTED (QUEUED, due at firstCheckAt). Repeating it with the same backend job
   * id (a recovery that finds its own earlier answer) returns the job unchanged; any other
   * state is an error, because the row then belongs to another attempt.
   */
  async markSubmitted(id: string, backendJobId: string, firstCheckAt: Date): Promise<FingerprintJob> {
    // The usual case is one statement that returns the job; only a row that was not PENDING is read again.
    const submitted = await this.writes.markSubmitted(id, backendJobId, firstCheckAt, this.now());
    if (submitted) return submitted;
    const row = await this.use((db) => db.fingerprintJob.findUnique({ where: { id } }));
    if (!row) throw notFound(`Job ${id}`);
    if (row.submitState !== "SUBMITTED" || row.backendJobId !== backendJobId) {
      throw new Error(`Job ${id} cannot be marked submitted as ${backendJobId}: it is ${row.submitState} (backend job ${row.backendJobId ?? "none"}).`);
    }
    return toFingerprintJob(row);
  }

  /** Only a PENDING row is refused; one another attempt has meanwhile submitted stays as it is. */
  async markRefused(id: string, errorCode: string, errorMessage: string): Promise<void> {
    const data = { submitState: "REFUSED", errorCode, errorMessage, updatedAt: this.now() };
    const { count } = await this.use((db) => db.fingerprintJob.updateMany({ where: { id, submitState: "PENDING" }, data }));
    if (count === 0 && !(await this.use((db) => db.fingerprintJob.findUnique({ where: { id }, select: { id: true } })))) {
      throw notFound(`Job ${id}`);
    }
  }

  async takeOverStale(id: string, olderThan: Date): Promise<boolean> {
    // Conditional on the staleness it was judged by: a second contender sees the bumped updatedAt.
    const { count } = await this.use((db) =>
      db.fingerprintJob.updateMany({
        where: { id, submitState: "PENDING", updatedAt: { lt: olderThan } },
        data: { updatedAt: this.now() },
      }),
    );
    return count === 1;
  }

  async listPending(olderThan: Date): Promise<FingerprintJob[]> {
    const rows = await this.use((db) =>
      db.fingerprintJob.findMany({
        where: { submitState: "PENDING", updatedAt: { lt: olderThan } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
    return rows.map(toFingerprintJob);
  }

  /**
   * One interactive transaction (on SQLite one `use` unit), as LibraryRepository.transition:
   *  1. UPDATE ... WHERE id AND status = expected.status AND rawStatus = expected.rawStatus:
   *     of several identical transitions exactly one matches (PostgreSQL re-checks the WHERE
   *     after the row lock, SQLite has one writer).
   *  2. Only the winner reads the row and its library back and appends the JOB event: the
   *     library's snapshot in the format library events use, and the job's (jobToJson).
   * finishedAt is set when the status becomes finished (and left alone between two finished
   * statuses); matches are written when given. No change of status or rawStatus writes
   * nothing and appends nothing.
   */
  async transition(
    id: string,
    expected: { status: JobStatus; rawStatus: string },
    update: JobStatusUpdate,
  ): Promise<JobTransitionResult> {
    const now = this.now();
    const changes = update.status !== expected.status || update.rawStatus !== expected.rawStatus;
    const finishedAt = isFinished(update.status) ? (isFinished(expected.status) ? {} : { finishedAt: now }) : { finishedAt: null };
    const data = {
      status: update.status,
      rawStatus: update.rawStatus,
      updatedAt: now,
      ...finishedAt,
      ...(update.errorCode !== undefined ? { errorCode: update.errorCode } : {}),
      ...(update.errorMessage !== undefined ? { errorMessage: update.errorMessage } : {}),
      ...(update.matches !== undefined ? { matches: matchesJson(update.matches) } : {}),
    };

    const outcome = await this.use((db) =>
      db.$transaction(async (tx): Promise<{ row: FingerprintJobRow | null; eventId: number | null }> => {
        if (!changes) return { row: await tx.fingerprintJob.findUnique({ where: { id } }), eventId: null };
        const { count } = await tx.fingerprintJob.updateMany({
          where: { id, status: expected.status, rawStatus: expected.rawStatus },
          data,
        });
        if (count === 0) return { row: await tx.fingerprintJob.findUnique({ where: { id } }), eventId: null };

        const row = await tx.fingerprintJob.findUniqueOrThrow({ where: { id } });
        const libraryRow = await tx.library.findUniqueOrThrow({ where: { id: row.libraryId } });
        const job = toFingerprintJob(row);
        const event = await tx.libraryEvent.create({
          data: {
            kind: "JOB",
            tenantId: row.tenantId,
            libraryId: row.libraryId,
            jobId: row.id,
            searchId: row.searchId,
            backend: row.backend,
            model: row.model,
            previousStatus: expected.status,
            status: update.status,
            rawStatus: update.rawStatus,
            occurredAt: now,
            library: librarySnapshot(toLibrary(libraryRow)),
            job: JSON.stringify(jobToJson(job)),
          },
          select: { id: true },
        });
        return { row, eventId: event.id };
      }),
    );
    if (!outcome.row) throw notFound(`Job ${id}`);
    return { job: toFingerprintJob(outcome.row), eventId: outcome.eventId };
  }

  async dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedJob[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (shards.length === 0 || limit === 0) return [];
    const rows = await this.use((db) =>
      db.fingerprintJob.findMany({
        where: {
          submitState: "SUBMITTED",
          status: { in: [...UNFINISHED_STATUSES] },
          shard: { in: [...new Set(shards)] },
          OR: [{ nextCheckAt: null }, { nextCheckAt: { lte: now } }],
        },
        // Never-checked first, then the longest overdue; id makes the order total.
        orderBy: [{ nextCheckAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
        take: limit,
      }),
    );
    return rows.map((row) => ({ ...toFingerprintJob(row), checkCount: row.checkCount, nextCheckAt: row.nextCheckAt }));
  }

  /** One watcher round's schedule: fixed SQL, for the reasons watcher-schedule-writes.ts gives. */
  async scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void> {
    await writeCheckSchedule(this.db, "FingerprintJob", schedule);
  }

  /** Visible jobs (as totalCount counts them), from "JobCount": a few rows per library, never a scan of the jobs. */
  async countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: JobStatus; count: number }>> {
    const groups = await this.use((db) =>
      db.jobCount.groupBy({ by: ["backend", "status"], _sum: { count: true }, orderBy: [{ backend: "asc" }, { status: "asc" }] }),
    );
    return groups
      .map((group) => {
        if (!(FINGERPRINT_BACKENDS as readonly string[]).includes(group.backend)) {
          throw new Error(`Stored JobCount.backend "${group.backend}" is not one of ${FINGERPRINT_BACKENDS.join(", ")}.`);
        }
        if (!(JOB_STATUSES as readonly string[]).includes(group.status)) {
          throw new Error(`Stored JobCount.status "${group.status}" is not one of ${JOB_STATUSES.join(", ")}.`);
        }
        return { backend: group.backend as FingerprintBackend, status: group.status as JobStatus, count: group._sum.count ?? 0 };
      })
      .filter((group) => group.count !== 0);
  }
}
