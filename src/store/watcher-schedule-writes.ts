/**
 * One watcher round's schedule (up to WATCHER_BATCH_SIZE rows) for either watched table: the
 * activation watcher's libraries and the job watcher's jobs keep the same two columns. An id
 * that no longer exists is skipped, not an error.
 *
 * Fixed SQL instead of one Prisma model call per row, whose query compile alone cost ~0.3 ms
 * of CPU each (a 500-row round took 100-300 ms, and under load on PostgreSQL its batch
 * transaction outlived Prisma's 5 s transaction timeout, P2028).
 */
import type { UseDb } from "./client.js";

/** The tables a watcher schedules: a closed list, so the name can be written into the SQL. */
export type WatchedTable = "Library" | "FingerprintJob";

export interface CheckSchedule {
  id: string;
  nextCheckAt: Date;
  checkCount: number;
}

export async function writeCheckSchedule(
  use: UseDb,
  kind: "sqlite" | "postgresql",
  table: WatchedTable,
  schedule: readonly CheckSchedule[],
): Promise<void> {
  if (schedule.length === 0) return;
  if (kind === "postgresql") {
    // One statement. Times travel as epoch milliseconds and are stored as UTC, as Prisma stores
    // a DateTime in a timestamp(3) column, whatever the session's time zone.
    const ids = schedule.map((entry) => entry.id);
    const times = schedule.map((entry) => entry.nextCheckAt.getTime());
    const counts = schedule.map((entry) => entry.checkCount);
    await use((db) =>
      db.$executeRawUnsafe(
        `UPDATE "${table}" AS t
          SET "nextCheckAt" = (to_timestamp(v.ms / 1000.0) AT TIME ZONE 'UTC')::timestamp(3), "checkCount" = v.count
          FROM unnest($1::text[], $2::float8[], $3::int[]) AS v(id, ms, count)
          WHERE t."id" = v.id`,
        ids,
        times,
        counts,
      ),
    );
    return;
  }
  // SQLite is in-process: one cheap statement per row, in one transaction.
  const sql = `UPDATE "${table}" SET "nextCheckAt" = ?, "checkCount" = ? WHERE "id" = ?`;
  await use((db) => db.$transaction(schedule.map(({ id, nextCheckAt, checkCount }) => db.$executeRawUnsafe(sql, nextCheckAt, checkCount, id))));
}
