/**
 * JobWrites on SQLite: two statements prepared once on the store's writable better-sqlite3
 * connection (client.ts), as SqliteIntentWrites does for creates, with the same safety:
 * every statement runs inside a store unit (`use`), so no Prisma transaction of this process
 * is open meanwhile. Values are written as Prisma writes them and the returned row read as
 * job-reads.ts reads it (sql-values.ts, job-mapping.ts).
 */
import type { Database, Statement } from "better-sqlite3";
import type { FingerprintJob } from "../domain/job.js";
import type { UseDb } from "./client.js";
import type { FingerprintJob as FingerprintJobRow } from "./generated/postgresql/client.js";
import { fromJobSqlRow, type JobSqlRow } from "./job-mapping.js";
import { insertJobSql, JOB_ROW_COLUMNS, markSubmittedSql, type JobWrites } from "./job-writes.js";
import { asModelError } from "./raw-writes.js";
import { sqliteDateTime, sqliteValue } from "./sql-values.js";

interface Statements {
  insert: Statement;
  markSubmitted: Statement;
}

export class SqliteJobWrites implements JobWrites {
  private statements?: Statements;

  constructor(
    private readonly use: UseDb,
    /** The store's writable better-sqlite3 connection (opened on first use, after migrations). */
    private readonly writer: () => Database,
  ) {}

  insert(row: FingerprintJobRow): Promise<void> {
    return this.run((s) => {
      s.insert.run(...JOB_ROW_COLUMNS.map((column) => sqliteValue(row[column])));
    });
  }

  markSubmitted(id: string, backendJobId: string, nextCheckAt: Date, now: Date): Promise<FingerprintJob | null> {
    return this.run((s) => {
      const row = s.markSubmitted.get(backendJobId, sqliteDateTime(nextCheckAt), sqliteDateTime(now), id) as JobSqlRow | undefined;
      return row ? fromJobSqlRow(row, "sqlite") : null;
    });
  }

  /** One store unit; the statements are prepared on the first one. */
  private run<T>(work: (statements: Statements) => T): Promise<T> {
    return this.use(async () => {
      try {
        return work((this.statements ??= prepare(this.writer())));
      } catch (error) {
        throw asModelError(error);
      }
    });
  }
}

function prepare(db: Database): Statements {
  return {
    insert: db.prepare(insertJobSql(() => "?")),
    markSubmitted: db.prepare(markSubmittedSql(() => "?")),
  };
}
