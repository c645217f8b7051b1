/**
 * One watcher round's schedule (up to WATCHER_BATCH_SIZE rows) for either watched table: the
 * activation watcher's libraries and the job watcher's jobs keep the same two columns. An id
 * that no longer exists is skipped, not an error.
 *
 * A batch update, as the query layer does them: on PostgreSQL one statement over unnest()ed
 * arrays; on SQLite (in-process) one prepared statement per row, in one transaction.
 */
import { sql, type SqlDatabase, type Statement } from "./sql/database.js";

/** The tables a watcher schedules: a closed list, so the name can be written into the SQL. */
export type WatchedTable = "Library" | "FingerprintJob";

export interface CheckSchedule {
  id: string;
  nextCheckAt: Date;
  checkCount: number;
}

function statements(table: WatchedTable) {
  return {
    batch: sql(
      `UPDATE "${table}" AS t SET "nextCheckAt" = v.at::timestamp(3), "checkCount" = v.count
        FROM unnest($1::text[], $2::text[], $3::int[]) AS v(id, at, count)
        WHERE t."id" = v.id`,
    ),
    one: sql(`UPDATE "${table}" SET "nextCheckAt" = $1, "checkCount" = $2 WHERE "id" = $3`),
  } satisfies Record<string, Statement>;
}

const STATEMENTS = { Library: statements("Library"), FingerprintJob: statements("FingerprintJob") };

export async function writeCheckSchedule(db: SqlDatabase, table: WatchedTable, schedule: readonly CheckSchedule[]): Promise<void> {
  if (schedule.length === 0) return;
  const { batch, one } = STATEMENTS[table];
  if (db.dialect === "postgresql") {
    // Times travel as UTC text, as every Date does (sql/values.ts).
    await db.run(batch, [
      schedule.map((entry) => entry.id),
      schedule.map((entry) => entry.nextCheckAt.toISOString()),
      schedule.map((entry) => entry.checkCount),
    ]);
    return;
  }
  await db.transaction(async (tx) => {
    for (const { id, nextCheckAt, checkCount } of schedule) await tx.run(one, [nextCheckAt, checkCount, id]);
  });
}
