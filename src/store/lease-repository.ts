/**
 * Named leases (one per watcher shard): a row per name with its holder and expiry. Every
 * write is a single conditional statement, so contenders in other processes are arbitrated by
 * the database, without transactions or locks of ours:
 *  - acquire: UPDATE ... WHERE name AND (holder = me OR expiresAt < now). On PostgreSQL a
 *    second contender waits for the first one's row lock, re-checks the WHERE against the
 *    new row (READ COMMITTED), and matches nothing. No row yet: INSERT, where the primary key
 *    lets one contender in and refuses the others (P2002); a refused one re-tries the
 *    conditional UPDATE once (it only wins if the row it collided with is already expired
 *    or its own).
 *  - renew: UPDATE ... WHERE name AND holder = me. It also revives a lease of ours that
 *    expired but that nobody took: while holder is still us, no other instance acquired it,
 *    so nobody else can have run the job in between. Once taken, holder is someone else's
 *    and renew says false.
 *  - release: DELETE ... WHERE name AND holder = me, so a lease already taken over is left
 *    alone.
 * Times come from the store's clock (injectable for tests). Instances compare their own
 * clocks with expiresAt written by others, so clock skew between hosts shortens or lengthens
 * a takeover by the skew; ttls should be well above it.
 */
import type { UseDb } from "./client.js";
import type { Clock } from "./library-repository.js";
import type { LeaseRepository } from "./ports.js";
import { isUniqueViolation } from "./prisma-errors.js";

export class PrismaLeaseRepository implements LeaseRepository {
  constructor(
    private readonly use: UseDb,
    private readonly now: Clock = () => new Date(),
  ) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    if (await this.takeExisting(name, holder, ttlMs)) return true;
    try {
      const data = { name, holder, expiresAt: new Date(this.now().getTime() + ttlMs) };
      await this.use((db) => db.lease.create({ data }));
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    // Someone else's row appeared between our UPDATE and INSERT.
    return this.takeExisting(name, holder, ttlMs);
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const data = { expiresAt: new Date(this.now().getTime() + ttlMs) };
    const { count } = await this.use((db) => db.lease.updateMany({ where: { name, holder }, data }));
    return count === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.use((db) => db.lease.deleteMany({ where: { name, holder } }));
  }

  async list(): Promise<Array<{ name: string; holder: string; expiresAt: Date }>> {
    return this.use((db) => db.lease.findMany({ orderBy: { name: "asc" } }));
  }

  /** The conditional UPDATE: ours already, or expired. */
  private async takeExisting(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const data = { holder, expiresAt: new Date(now.getTime() + ttlMs) };
    const { count } = await this.use((db) =>
      db.lease.updateMany({ where: { name, OR: [{ holder }, { expiresAt: { lt: now } }] }, data }),
    );
    return count === 1;
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
}
