/**
 * The reads behind fingerprintJobs, FingerprintLibrary.jobs and the request's DataLoader (a
 * keyset page, jobs by id, totalCount), and the metrics' counts: one fixed statement per
 * filter shape, each prepared once by the query layer (SQLite: on the read-only connection,
 * which sees the last commit; PostgreSQL: a named statement per pooled connection), so a read
 * costs what the driver costs, as the library pages do.
 *
 * They see only what the API lists: submitState SUBMITTED and kind FINGERPRINT. PENDING and
 * REFUSED rows are idempotency records. DELETE_FILES rows are never listed or counted; they
 * are read only by id, as a FileDeletion (jobsByIds with that kind).
 *
 * totalCount: without searchId a sum over "JobCount", which triggers keep per (tenant,
 * library, backend, mode, status) in the transaction of every change (migration
 * 20261203133030_jobs), so it costs the same at 10 jobs or 10 million. With searchId it is a
 * COUNT(*) over the search's jobs (at most 20, by its index).
 */
import { JOB_STATUSES, type FingerprintJob, type JobKind, type JobStatus } from "../domain/job.js";
import { FINGERPRINT_BACKENDS, type FingerprintBackend } from "../domain/model.js";
import { jobSelect, toFingerprintJob, type JobRow } from "./job-columns.js";
import type { JobCursor, JobFilter } from "./job-ports.js";
import { sql, type SqlSession, type Statement } from "./sql/database.js";
import { readEnum, readInteger } from "./sql/values.js";

/** What the API lists (the counting triggers count exactly these rows). */
const VISIBLE = `"submitState" = 'SUBMITTED' AND "kind" = 'FINGERPRINT'`;

/** The by-id reads' condition for each kind: a literal, so each kind is one fixed statement. */
const SUBMITTED_OF_KIND: Readonly<Record<JobKind, string>> = {
  FINGERPRINT: VISIBLE,
  DELETE_FILES: `"submitState" = 'SUBMITTED' AND "kind" = 'DELETE_FILES'`,
};

/** The equality filters, in the order their placeholders appear. */
const EQUALS = ["libraryId", "status", "mode", "backend", "searchId"] as const;
const AFTER_BIT = 1 << EQUALS.length;
const SEARCH_BIT = 1 << EQUALS.indexOf("searchId");

/** A filter's shape: one bit per equality filter given, and one for a cursor. */
function shapeOf(filter: JobFilter, after: JobCursor | undefined): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (after) shape |= AFTER_BIT;
  return shape;
}

/** `"column" = $n` for each filter of the shape, numbered after the tenant ($1). */
function equalities(shape: number): string[] {
  const where: string[] = [];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = $${++n}`);
  });
  return where;
}

function filterParams(tenantId: string, filter: JobFilter): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  return params;
}

/** `timestamp`: how the cursor's time is typed (PostgreSQL binds it as UTC text, sql/values.ts). */
function pageSql(shape: number, timestamp: string): string {
  const filters = equalities(shape);
  const where = [`"tenantId" = $1`, VISIBLE, ...filters];
  let n = 1 + filters.length;
  // Row-value comparison: an index range scan on (tenantId | libraryId, createdAt, id) however deep the page.
  if (shape & AFTER_BIT) where.push(`("createdAt", "id") > ($${++n}${timestamp}, $${++n})`);
  return (
    `SELECT ${jobSelect()} FROM "FingerprintJob" WHERE ${where.join(" AND ")} ` +
    `ORDER BY "FingerprintJob"."createdAt" ASC, "FingerprintJob"."id" ASC LIMIT $${++n}`
  );
}

/** "JobCount" is keyed by every filter but searchId; with searchId the search's rows are counted. */
function countSql(shape: number): string {
  const where = [`"tenantId" = $1`, ...equalities(shape)];
  if (shape & SEARCH_BIT) return `SELECT COUNT(*) AS "n" FROM "FingerprintJob" WHERE ${[...where, VISIBLE].join(" AND ")}`;
  return `SELECT COALESCE(SUM("count"), 0) AS "n" FROM "JobCount" WHERE ${where.join(" AND ")}`;
}

/** Every shape's statement, made once (64 pages, 32 counts); the query layer prepares each on first use. */
const PAGES: ReadonlyArray<Statement<JobRow>> = Array.from({ length: AFTER_BIT << 1 }, (_, shape) =>
  sql<JobRow>({ sqlite: pageSql(shape, ""), postgresql: pageSql(shape, "::timestamp(3)") }),
);
const COUNTS: ReadonlyArray<Statement<{ n: unknown }>> = Array.from({ length: AFTER_BIT }, (_, shape) => sql<{ n: unknown }>(countSql(shape)));

/** As for libraries: one JSON array of ids and a primary-key probe per id on SQLite, ANY on PostgreSQL. */
function byIdsStatement(kind: JobKind): Statement<JobRow> {
  return sql<JobRow>({
    sqlite:
      `SELECT ${jobSelect("j")} FROM json_each($2) AS wanted CROSS JOIN "FingerprintJob" AS j ON j."id" = wanted.value ` +
      // The kind's condition names bare columns; of this join only "FingerprintJob" has them.
      `WHERE j."tenantId" = $1 AND ${SUBMITTED_OF_KIND[kind]}`,
    postgresql: `SELECT ${jobSelect()} FROM "FingerprintJob" WHERE "tenantId" = $1 AND "id" = ANY($2::text[]) AND ${SUBMITTED_OF_KIND[kind]}`,
  });
}

const BY_IDS: Readonly<Record<JobKind, Statement<JobRow>>> = {
  FINGERPRINT: byIdsStatement("FINGERPRINT"),
  DELETE_FILES: byIdsStatement("DELETE_FILES"),
};

/** Visible jobs per backend and status over every tenant, from "JobCount": a few rows per library, never a scan of the jobs. */
const COUNT_BY_BACKEND_AND_STATUS = sql<{ backend: string; status: string; n: unknown }>(
  `SELECT "backend", "status", SUM("count") AS "n" FROM "JobCount" GROUP BY "backend", "status" ORDER BY "backend", "status"`,
);

/** At most `take` visible jobs of the tenant matching the filter, after the cursor, in (createdAt, id) order. */
export async function jobPage(db: SqlSession, tenantId: string, filter: JobFilter, take: number, after?: JobCursor): Promise<FingerprintJob[]> {
  const params = filterParams(tenantId, filter);
  if (after) params.push(after.createdAt, after.id);
  params.push(take);
  const rows = await db.all(PAGES[shapeOf(filter, after)], params);
  return rows.map(toFingerprintJob);
}

/**
 * The tenant's SUBMITTED rows of this kind among these ids (distinct ids, at least one), in
 * no particular order: FINGERPRINT for jobs, DELETE_FILES for file deletions.
 */
export async function jobsByIds(db: SqlSession, tenantId: string, ids: readonly string[], kind: JobKind): Promise<FingerprintJob[]> {
  const rows = await db.all(BY_IDS[kind], [tenantId, ids]);
  return rows.map(toFingerprintJob);
}

/** Exact: from "JobCount", or the search's rows with a searchId. */
export async function jobCount(db: SqlSession, tenantId: string, filter: JobFilter): Promise<number> {
  const row = await db.one(COUNTS[shapeOf(filter, undefined)], filterParams(tenantId, filter));
  return readInteger(row?.n);
}

/** For the metrics gauge: visible jobs per backend and status, all tenants, as jobCount counts them; no zero groups. */
export async function jobCountsByBackendAndStatus(db: SqlSession): Promise<Array<{ backend: FingerprintBackend; status: JobStatus; count: number }>> {
  const rows = await db.all(COUNT_BY_BACKEND_AND_STATUS);
  return rows
    .map((row) => {
      const group = `${row.backend}/${row.status}`;
      return {
        backend: readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "JobCount.backend", group),
        status: readEnum<JobStatus>(JOB_STATUSES, row.status, "JobCount.status", group),
        count: readInteger(row.n),
      };
    })
    .filter((group) => group.count !== 0);
}
