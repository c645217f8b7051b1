/**
 * Duplicate searches: one row per searchDuplicates call, the idempotency key's record. `claim`
 * is race-safe by the unique index on (tenantId, idempotencyKey), like the other claims: the
 * INSERT that commits first wins, every other one reads the winner's row. A search is never
 * refused as a whole (each library's job has its own record), so there is no takeover.
 */
import { randomUUID } from "node:crypto";
import type { DuplicateSearch } from "../domain/job.js";
import type { UseDb } from "./client.js";
import { toDuplicateSearch } from "./job-mapping.js";
import type { DuplicateSearchRepository, NewDuplicateSearch } from "./job-ports.js";
import type { Clock } from "./library-repository.js";
import { isUniqueViolation } from "./prisma-errors.js";

export class PrismaDuplicateSearchRepository implements DuplicateSearchRepository {
  constructor(
    private readonly use: UseDb,
    private readonly now: Clock = () => new Date(),
  ) {}

  async claim(search: NewDuplicateSearch): Promise<{ claimed: boolean; search: DuplicateSearch }> {
    const data = {
      id: randomUUID(),
      tenantId: search.tenantId,
      idempotencyKey: search.idempotencyKey,
      inputHash: search.inputHash,
      media: search.media,
      libraryIds: JSON.stringify(search.libraryIds),
      createdAt: this.now(),
    };
    try {
      await this.use((db) => db.duplicateSearch.create({ data }));
      return { claimed: true, search: toDuplicateSearch(data) };
    } catch (error) {
      if (!isUniqueViolation(error) || search.idempotencyKey === null) throw error;
    }
    const existing = await this.use((db) =>
      db.duplicateSearch.findFirst({ where: { tenantId: search.tenantId, idempotencyKey: search.idempotencyKey } }),
    );
    // Search rows are never deleted, so a key that just collided cannot vanish.
    if (!existing) throw new Error(`Duplicate search for idempotency key "${search.idempotencyKey}" collided but cannot be read back.`);
    return { claimed: false, search: toDuplicateSearch(existing) };
  }

  async findById(tenantId: string, id: string): Promise<DuplicateSearch | null> {
    const row = await this.use((db) => db.duplicateSearch.findFirst({ where: { id, tenantId } }));
    return row && toDuplicateSearch(row);
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<DuplicateSearch[]> {
    if (ids.length === 0) return [];
    const rows = await this.use((db) => db.duplicateSearch.findMany({ where: { tenantId, id: { in: [...new Set(ids)] } } }));
    return rows.map(toDuplicateSearch);
  }
}
