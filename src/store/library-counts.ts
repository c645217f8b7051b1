/**
 * totalCount of a library page: how many of a tenant's libraries match a filter, exact.
 *
 *  - Without nameContains: a sum over "LibraryCount", the per (tenant, backend, model, status,
 *    region) counts that triggers on "Library" keep in the transaction of every insert,
 *    status change and delete (migration 20261203100000_library_counts). A tenant has at
 *    most backends x models x statuses x regions such rows (a few hundred), so this costs the
 *    same at 10 libraries or 10 million.
 *  - With nameContains: COUNT(*) over the rows the name matches, with the same condition as
 *    the page (library-filter.ts, sql/like.ts). On PostgreSQL the trigram index yields those rows, so the
 *    cost grows with the number of matches, not of libraries; on SQLite it reads the tenant's
 *    rows (figures in docs/design.md (Store: counting at scale)).
 *
 * One fixed statement per filter shape; with a name filter it is planned per call on
 * PostgreSQL, for its term, as the page is (library-filter.ts says why).
 */
import { filterConditions, filterParams, filterShape, NAME_BIT, statementPerShape } from "./library-filter.js";
import type { LibraryFilter } from "./ports.js";
import type { Dialect, SqlDatabase } from "./sql/database.js";
import { encodeValue, readInteger } from "./sql/values.js";

function countSql(shape: number, dialect: Dialect): string {
  const { where } = filterConditions(shape, dialect);
  if (shape & NAME_BIT) return `SELECT COUNT(*) AS "n" FROM "Library" WHERE ${where.join(" AND ")}`;
  return `SELECT COALESCE(SUM("count"), 0) AS "n" FROM "LibraryCount" WHERE ${where.join(" AND ")}`;
}

const countStatement = statementPerShape<{ n: unknown }>(countSql);

/** The PostgreSQL statement count() runs, text and values as sent (bench/scale.ts EXPLAINs it). */
export function postgresCountStatement(tenantId: string, filter: LibraryFilter) {
  return {
    text: countSql(filterShape(filter), "postgresql"),
    values: filterParams(tenantId, filter).map((value) => encodeValue(value, "postgresql")),
  };
}

export class LibraryCounts {
  constructor(private readonly db: SqlDatabase) {}

  async count(tenantId: string, filter: LibraryFilter): Promise<number> {
    const row = await this.db.one(countStatement(filterShape(filter)), filterParams(tenantId, filter));
    return readInteger(row?.n);
  }
}
