/**
 * The writes a submitFingerprintJob makes on its job row, as one small port with one
 * implementation per database, because they are the gateway's own overhead on every submit
 * (issue #14), exactly as intent-writes.ts is for creates:
 *  - SQLite (job-writes-sqlite.ts): statements prepared once on the store's better-sqlite3
 *    writer connection;
 *  - PostgreSQL (job-writes-postgresql.ts): fixed SQL through Prisma's raw API.
 * Measured (bench/README.md, "Job submits"): through Prisma model calls a submit ran 6 SQLite
 * statements, 5 of them prepared anew (create = BEGIN/INSERT/COMMIT, updateMany, findUnique),
 * and cost 18–20 ms of gateway CPU; with these two statements it runs 3, prepares none.
 *
 * Only the submit's hot path is here; the rarer writes (a key's collision read, a REFUSED
 * row's takeover, markRefused, takeOverStale) and every transaction stay on Prisma in
 * job-repository.ts. Every method runs inside one store unit (`use`). A unique violation is
 * reported as Prisma's P2002 (raw-writes.ts), so isUniqueViolation sees it.
 */
import type { FingerprintJob } from "../domain/job.js";
import type { FingerprintJob as FingerprintJobRow } from "./generated/postgresql/client.js";
import { JOB_COLUMNS } from "./job-mapping.js";

export interface JobWrites {
  /** Inserts the row, every column as given. (tenantId, idempotencyKey) taken: a unique violation. */
  insert(row: FingerprintJobRow): Promise<void>;
  /**
   * One conditional UPDATE: a PENDING row becomes SUBMITTED (QUEUED, the backend's job id,
   * due at nextCheckAt, updatedAt = now), and the job comes back from the same statement
   * (RETURNING). null when no PENDING row has this id (the caller reads the row to tell why).
   */
  markSubmitted(id: string, backendJobId: string, nextCheckAt: Date, now: Date): Promise<FingerprintJob | null>;
}

/**
 * Every FingerprintJob column, in the order the INSERTs list them. A Record first, so a
 * column added to the schema is a compile error here rather than a column left at its default.
 */
const ROW_COLUMNS: Record<keyof FingerprintJobRow, true> = {
  id: true,
  shard: true,
  tenantId: true,
  libraryId: true,
  account: true,
  backend: true,
  region: true,
  model: true,
  kind: true,
  mode: true,
  primaryKey: true,
  primaryKeys: true,
  media: true,
  similarityThreshold: true,
  userData: true,
  searchId: true,
  idempotencyKey: true,
  inputHash: true,
  submitState: true,
  backendJobId: true,
  status: true,
  rawStatus: true,
  errorCode: true,
  errorMessage: true,
  matches: true,
  createdAt: true,
  updatedAt: true,
  finishedAt: true,
  nextCheckAt: true,
  checkCount: true,
};

export const JOB_ROW_COLUMNS = Object.keys(ROW_COLUMNS) as ReadonlyArray<keyof FingerprintJobRow>;

/** `INSERT INTO "FingerprintJob" (every column) VALUES (...)`, placeholders made by `param` (1-based). */
export function insertJobSql(param: (n: number) => string): string {
  return (
    `INSERT INTO "FingerprintJob" (${JOB_ROW_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
    `VALUES (${JOB_ROW_COLUMNS.map((_, i) => param(i + 1)).join(", ")})`
  );
}

/** markSubmitted's statement; placeholders: backendJobId, nextCheckAt, updatedAt, id. Returns the job's columns. */
export function markSubmittedSql(param: (n: number) => string): string {
  return (
    `UPDATE "FingerprintJob" SET "submitState" = 'SUBMITTED', "backendJobId" = ${param(1)}, "status" = 'QUEUED', ` +
    `"nextCheckAt" = ${param(2)}, "updatedAt" = ${param(3)} WHERE "id" = ${param(4)} AND "submitState" = 'PENDING' ` +
    `RETURNING ${JOB_COLUMNS.map((c) => `"${c}"`).join(", ")}`
  );
}
