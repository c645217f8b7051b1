/**
 * Duplicate searches: one row per searchDuplicates call, the idempotency key's record. `claim`
 * is race-safe by the unique index on (tenantId, idempotencyKey), like the other claims: the
 * INSERT that commits first wins, every other one reads the winner's row. A search is never
 * refused as a whole (each library's job has its own record), so there is no takeover.
 */
import type { DuplicateSearch } from "../domain/job.js";
import {
  DUPLICATE_SEARCH_SELECT,
  INSERT_DUPLICATE_SEARCH,
  insertDuplicateSearchParams,
  newDuplicateSearchRow,
  toDuplicateSearch,
  type DuplicateSearchRow,
} from "./job-columns.js";
import type { DuplicateSearchRepository, NewDuplicateSearch } from "./job-ports.js";
import { sql, type SqlDatabase } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";

const BY_KEY = sql<DuplicateSearchRow>(`SELECT ${DUPLICATE_SEARCH_SELECT} FROM "DuplicateSearch" WHERE "tenantId" = $1 AND "idempotencyKey" = $2`);
const BY_ID = sql<DuplicateSearchRow>(`SELECT ${DUPLICATE_SEARCH_SELECT} FROM "DuplicateSearch" WHERE "id" = $1 AND "tenantId" = $2`);
const BY_IDS = sql<DuplicateSearchRow>({
  sqlite: `SELECT ${DUPLICATE_SEARCH_SELECT} FROM "DuplicateSearch" WHERE "tenantId" = $1 AND "id" IN (SELECT value FROM json_each($2))`,
  postgresql: `SELECT ${DUPLICATE_SEARCH_SELECT} FROM "DuplicateSearch" WHERE "tenantId" = $1 AND "id" = ANY($2::text[])`,
});

export class DuplicateSearches implements DuplicateSearchRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(search: NewDuplicateSearch): Promise<{ claimed: boolean; search: DuplicateSearch }> {
    const row = newDuplicateSearchRow(search, this.now());
    try {
      await this.db.run(INSERT_DUPLICATE_SEARCH, insertDuplicateSearchParams(row));
      return { claimed: true, search: toDuplicateSearch(row) };
    } catch (error) {
      if (!isUniqueViolation(error) || search.idempotencyKey === null) throw error;
    }
    const existing = await this.db.one(BY_KEY, [search.tenantId, search.idempotencyKey]);
    // Search rows are never deleted, so a key that just collided cannot vanish.
    if (!existing) throw new Error(`Duplicate search for idempotency key "${search.idempotencyKey}" collided but cannot be read back.`);
    return { claimed: false, search: toDuplicateSearch(existing) };
  }

  async findById(tenantId: string, id: string): Promise<DuplicateSearch | null> {
    const row = await this.db.one(BY_ID, [id, tenantId]);
    return row ? toDuplicateSearch(row) : null;
  }

  async findManyByIds(tenantId: string, ids: readonly string[]): Promise<DuplicateSearch[]> {
    if (ids.length === 0) return [];
    return (await this.db.all(BY_IDS, [tenantId, [...new Set(ids)]])).map(toDuplicateSearch);
  }
}
