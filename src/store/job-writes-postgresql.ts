/**
 * JobWrites on PostgreSQL: the same two statements as fixed SQL through Prisma's raw API (its
 * pool, its parameter binding, its error codes), as intent-writes-prisma.ts does for creates:
 * no query compile, and markSubmitted's row comes back from its UPDATE (RETURNING), not from
 * a second read. Prisma binds a Date as it does for a model write and hands DateTime columns
 * back as Dates (sql-values.ts).
 */
import type { FingerprintJob } from "../domain/job.js";
import type { UseDb } from "./client.js";
import type { FingerprintJob as FingerprintJobRow } from "./generated/postgresql/client.js";
import { fromJobSqlRow, type JobSqlRow } from "./job-mapping.js";
import { insertJobSql, JOB_ROW_COLUMNS, markSubmittedSql, type JobWrites } from "./job-writes.js";
import { asModelError } from "./raw-writes.js";

const param = (n: number) => `$${n}`;
const INSERT = insertJobSql(param);
const MARK_SUBMITTED = markSubmittedSql(param);

export class PostgresJobWrites implements JobWrites {
  constructor(private readonly use: UseDb) {}

  async insert(row: FingerprintJobRow): Promise<void> {
    try {
      await this.use((db) => db.$executeRawUnsafe(INSERT, ...JOB_ROW_COLUMNS.map((column) => row[column])));
    } catch (error) {
      throw asModelError(error);
    }
  }

  async markSubmitted(id: string, backendJobId: string, nextCheckAt: Date, now: Date): Promise<FingerprintJob | null> {
    const rows = await this.use((db) => db.$queryRawUnsafe<JobSqlRow[]>(MARK_SUBMITTED, backendJobId, nextCheckAt, now, id));
    return rows.length > 0 ? fromJobSqlRow(rows[0], "postgresql") : null;
  }
}
