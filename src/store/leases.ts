/**
 * Named leases (one per watcher shard): a row per name with its holder and expiry. Every
 * write is a single conditional statement, so contenders in other processes are arbitrated by
 * the database, without transactions or locks of ours:
 *  - acquire: UPDATE ... WHERE name AND (holder = me OR expiresAt < now). On PostgreSQL a
 *    second contender waits for the first one's row lock, re-checks the WHERE against the
 *    new row (READ COMMITTED), and matches nothing. No row yet: INSERT, where the primary key
 *    lets one contender in and refuses the others (a unique violation); a refused one re-tries
 *    the conditional UPDATE once (it only wins if the row it collided with is already expired
 *    or its own).
 *  - renew: UPDATE ... WHERE name AND holder = me. It also revives a lease of ours that
 *    expired but that nobody took: while holder is still us, no other instance acquired it,
 *    so nobody else can have run the job in between. Once taken, holder is someone else's
 *    and renew says false.
 *  - release: DELETE ... WHERE name AND holder = me, so a lease already taken over is left
 *    alone.
 * Times come from the store's clock (injectable for tests). Instances compare their own
 * clocks with expiresAt written by others, so clock skew between hosts shortens or lengthens
 * a takeover by the skew; ttls should be well above it. On SQLite expiresAt is ISO text in one
 * format (sql/values.ts), so comparing the text is comparing the times.
 */
import type { Clock } from "./clock.js";
import type { LeaseRepository } from "./ports.js";
import { sql, type SqlDatabase } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";
import { readDate } from "./sql/values.js";

const TAKE = sql(`UPDATE "Lease" SET "holder" = $2, "expiresAt" = $3 WHERE "name" = $1 AND ("holder" = $2 OR "expiresAt" < $4)`);
const INSERT = sql(`INSERT INTO "Lease" ("name", "holder", "expiresAt") VALUES ($1, $2, $3)`);
const RENEW = sql(`UPDATE "Lease" SET "expiresAt" = $3 WHERE "name" = $1 AND "holder" = $2`);
const RELEASE = sql(`DELETE FROM "Lease" WHERE "name" = $1 AND "holder" = $2`);
const LIST = sql<{ name: string; holder: string; expiresAt: unknown }>(`SELECT "name", "holder", "expiresAt" FROM "Lease" ORDER BY "name" ASC`);

export class Leases implements LeaseRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: Clock = () => new Date(),
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    if (await this.takeExisting(name, holder, ttlMs)) return true;
    try {
      await this.db.run(INSERT, [name, holder, new Date(this.now().getTime() + ttlMs)]);
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Someone else's row appeared between our UPDATE and INSERT.
    return this.takeExisting(name, holder, ttlMs);
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    return (await this.db.run(RENEW, [name, holder, new Date(this.now().getTime() + ttlMs)])) === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.run(RELEASE, [name, holder]);
  }

  async list(): Promise<Array<{ name: string; holder: string; expiresAt: Date }>> {
    const rows = await this.db.all(LIST);
    return rows.map((row) => ({ name: row.name, holder: row.holder, expiresAt: readDate(row.expiresAt, `Lease.expiresAt of ${row.name}`) }));
  }

  /** The conditional UPDATE: ours already, or expired. */
  private async takeExisting(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    return (await this.db.run(TAKE, [name, holder, new Date(now.getTime() + ttlMs), now])) === 1;
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
}
