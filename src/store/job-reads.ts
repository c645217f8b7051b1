/**
 * The reads behind fingerprintJobs, FingerprintLibrary.jobs and the request's DataLoader (a
 * keyset page, jobs by id, totalCount) as fixed SQL on statements prepared once per filter
 * shape, straight on the driver, for the reasons and with the consistency hot-reads.ts gives
 * for libraries (the same connections: SQLite's read-only one, PostgreSQL's pool).
 *
 * They see only what the API lists: submitState SUBMITTED and kind FINGERPRINT. PENDING and
 * REFUSED rows are idempotency records. DELETE_FILES rows are never listed or counted; they
 * are read only by id, as a FileDeletion (byIds with that kind).
 *
 * totalCount: without searchId a sum over "JobCount", which triggers keep per (tenant,
 * library, backend, mode, status) in the transaction of every change (migration
 * 20261203133030_jobs), so it costs the same at 10 jobs or 10 million. With searchId it is a
 * COUNT(*) over the search's jobs (at most 20, by its index).
 */
import type { Database, Statement } from "better-sqlite3";
import type { Pool } from "pg";
import type { FingerprintJob, JobKind } from "../domain/job.js";
import type { DirectDriver } from "./hot-reads.js";
import { fromJobSqlRow, JOB_COLUMNS, JOB_DATE_COLUMNS, type JobSqlRow } from "./job-mapping.js";
import type { JobCursor, JobFilter } from "./job-ports.js";
import { sqliteDateTime } from "./sql-values.js";

export interface JobReads {
  /** At most `take` visible jobs of the tenant matching the filter, after the cursor, in (createdAt, id) order. */
  page(tenantId: string, filter: JobFilter, take: number, after?: JobCursor): Promise<FingerprintJob[]>;
  /**
   * The tenant's SUBMITTED rows of this kind among these ids (distinct ids, at least one), in
   * no particular order: FINGERPRINT for jobs, DELETE_FILES for file deletions.
   */
  byIds(tenantId: string, ids: readonly string[], kind: JobKind): Promise<FingerprintJob[]>;
  count(tenantId: string, filter: JobFilter): Promise<number>;
}

export function createJobReads(driver: DirectDriver): JobReads {
  return driver.kind === "sqlite" ? new SqliteJobReads(driver.reader) : new PostgresJobReads(driver.pool);
}

/** What the API lists (the counting triggers count exactly these rows). */
const VISIBLE = `"submitState" = 'SUBMITTED' AND "kind" = 'FINGERPRINT'`;

/** The by-id reads' condition for each kind: a literal, so each kind is one fixed statement. */
const SUBMITTED_OF_KIND: Readonly<Record<JobKind, string>> = {
  FINGERPRINT: VISIBLE,
  DELETE_FILES: `"submitState" = 'SUBMITTED' AND "kind" = 'DELETE_FILES'`,
};

/** PostgreSQL statement names of the by-id reads (the FINGERPRINT one keeps its earlier name). */
const BY_IDS_STATEMENT: Readonly<Record<JobKind, string>> = {
  FINGERPRINT: "fpgw_job_by_ids",
  DELETE_FILES: "fpgw_file_deletion_by_ids",
};

/** The equality filters, in the order their placeholders appear. */
const EQUALS = ["libraryId", "status", "mode", "backend", "searchId"] as const;
const AFTER_BIT = 1 << EQUALS.length;

function shapeOf(filter: JobFilter, after: JobCursor | undefined): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (after) shape |= AFTER_BIT;
  return shape;
}

type Param = (n: number) => string;

function pageSql(shape: number, select: string, param: Param, timestamp: string): string {
  const where = [`"tenantId" = ${param(1)}`, VISIBLE];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = ${param(++n)}`);
  });
  // Row-value comparison: an index range scan on (tenantId | libraryId, createdAt, id) however deep the page.
  if (shape & AFTER_BIT) where.push(`("createdAt", "id") > (${param(++n)}${timestamp}, ${param(++n)})`);
  return (
    `SELECT ${select} FROM "FingerprintJob" WHERE ${where.join(" AND ")} ` +
    // Qualified, so PostgreSQL orders by the column (and its index), not the converted output column.
    `ORDER BY "FingerprintJob"."createdAt" ASC, "FingerprintJob"."id" ASC LIMIT ${param(++n)}`
  );
}

function pageParams(tenantId: string, filter: JobFilter, take: number, after: JobCursor | undefined, time: (date: Date) => string): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  if (after) params.push(time(after.createdAt), after.id);
  params.push(take);
  return params;
}

/** "JobCount" is keyed by every filter but searchId; with searchId the search's rows are counted. */
function countSql(shape: number, param: Param): string {
  const where = [`"tenantId" = ${param(1)}`];
  let n = 1;
  if (shape & (1 << EQUALS.indexOf("searchId"))) {
    where.push(VISIBLE);
    EQUALS.forEach((key, bit) => {
      if (shape & (1 << bit)) where.push(`"${key}" = ${param(++n)}`);
    });
    return `SELECT COUNT(*) AS "n" FROM "FingerprintJob" WHERE ${where.join(" AND ")}`;
  }
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = ${param(++n)}`);
  });
  return `SELECT COALESCE(SUM("count"), 0) AS "n" FROM "JobCount" WHERE ${where.join(" AND ")}`;
}

function countParams(tenantId: string, filter: JobFilter): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  return params;
}

class SqliteJobReads implements JobReads {
  private readonly pages = new Map<number, Statement>();
  private readonly counts = new Map<number, Statement>();
  private readonly byIdStatements = new Map<JobKind, Statement>();
  private static readonly select = JOB_COLUMNS.map((name) => `"${name}"`).join(", ");

  constructor(private readonly reader: () => Database) {}

  async page(tenantId: string, filter: JobFilter, take: number, after?: JobCursor): Promise<FingerprintJob[]> {
    const shape = shapeOf(filter, after);
    let statement = this.pages.get(shape);
    if (!statement) {
      statement = this.reader().prepare(pageSql(shape, SqliteJobReads.select, () => "?", ""));
      this.pages.set(shape, statement);
    }
    const rows = statement.all(...pageParams(tenantId, filter, take, after, sqliteDateTime)) as JobSqlRow[];
    return rows.map((row) => fromJobSqlRow(row, "sqlite"));
  }

  async byIds(tenantId: string, ids: readonly string[], kind: JobKind): Promise<FingerprintJob[]> {
    // As for libraries (hot-reads.ts): one JSON array of ids, one primary-key probe per id.
    let statement = this.byIdStatements.get(kind);
    if (!statement) {
      // The kind's condition names bare columns; only "FingerprintJob" has them in this join.
      statement = this.reader().prepare(
        `SELECT ${JOB_COLUMNS.map((name) => `j."${name}"`).join(", ")} FROM json_each(?) AS wanted ` +
          `CROSS JOIN "FingerprintJob" AS j ON j."id" = wanted.value WHERE j."tenantId" = ? AND ${SUBMITTED_OF_KIND[kind]}`,
      );
      this.byIdStatements.set(kind, statement);
    }
    const rows = statement.all(JSON.stringify(ids), tenantId) as JobSqlRow[];
    return rows.map((row) => fromJobSqlRow(row, "sqlite"));
  }

  async count(tenantId: string, filter: JobFilter): Promise<number> {
    const shape = shapeOf(filter, undefined);
    let statement = this.counts.get(shape);
    if (!statement) {
      statement = this.reader().prepare(countSql(shape, () => "?"));
      this.counts.set(shape, statement);
    }
    return Number((statement.get(...countParams(tenantId, filter)) as { n: number | bigint }).n);
  }
}

/**
 * PostgreSQL: named statements, TIMESTAMP(3) columns holding UTC read `AT TIME ZONE 'UTC'` and
 * cursor times bound as UTC text (see hot-reads.ts for why).
 */
class PostgresJobReads implements JobReads {
  private static readonly select = JOB_COLUMNS.map((name) =>
    JOB_DATE_COLUMNS.has(name) ? `"${name}" AT TIME ZONE 'UTC' AS "${name}"` : `"${name}"`,
  ).join(", ");
  private readonly pages = new Map<number, string>();
  private readonly counts = new Map<number, string>();

  constructor(private readonly pool: Pool) {}

  async page(tenantId: string, filter: JobFilter, take: number, after?: JobCursor): Promise<FingerprintJob[]> {
    const shape = shapeOf(filter, after);
    let text = this.pages.get(shape);
    if (!text) {
      text = pageSql(shape, PostgresJobReads.select, (n) => `$${n}`, "::timestamp(3)");
      this.pages.set(shape, text);
    }
    const result = await this.pool.query<JobSqlRow>({
      name: `fpgw_job_page_${shape}`,
      text,
      values: pageParams(tenantId, filter, take, after, (date) => date.toISOString()),
    });
    return result.rows.map((row) => fromJobSqlRow(row, "postgresql"));
  }

  async byIds(tenantId: string, ids: readonly string[], kind: JobKind): Promise<FingerprintJob[]> {
    const result = await this.pool.query<JobSqlRow>({
      name: BY_IDS_STATEMENT[kind],
      text: `SELECT ${PostgresJobReads.select} FROM "FingerprintJob" WHERE "tenantId" = $1 AND "id" = ANY($2::text[]) AND ${SUBMITTED_OF_KIND[kind]}`,
      values: [tenantId, ids],
    });
    return result.rows.map((row) => fromJobSqlRow(row, "postgresql"));
  }

  async count(tenantId: string, filter: JobFilter): Promise<number> {
    const shape = shapeOf(filter, undefined);
    let text = this.counts.get(shape);
    if (!text) {
      text = countSql(shape, (n) => `$${n}`);
      this.counts.set(shape, text);
    }
    const result = await this.pool.query<{ n: string | number }>({
      name: `fpgw_job_count_${shape}`,
      text,
      values: countParams(tenantId, filter),
    });
    return Number(result.rows[0].n);
  }
}

