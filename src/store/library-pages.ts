/**
 * The reads every GraphQL query makes: a keyset page of a tenant's libraries (with its
 * totalCount from the same statement under a name filter: countedPage), and many libraries by
 * id for the request's DataLoader. One fixed statement per filter shape, prepared once (SQLite)
 * or named once per pooled connection (PostgreSQL) by the query layer.
 *
 * Why fixed SQL here above all: these run on every request. Through Prisma they cost ~1.2 ms
 * for a 51-row page and ~0.6 ms for one id (210 rows, SQLite), against ~0.16 ms and
 * ~0.005 ms for the same SELECT on a prepared better-sqlite3 statement.
 *
 * Pages are keyset pages ordered by (createdAt, id): "rows after this position" is an index
 * range scan on (tenantId, createdAt, id) however deep the page, and rows inserted meanwhile
 * never shift a page the way OFFSET does. The caller reads one extra row to know whether
 * there is a next page, so no second COUNT query is needed for hasNextPage.
 *
 * On SQLite these read-only statements run on the query layer's read-only connection: each
 * reads the last commit, never another request's open transaction (sql/sqlite-database.ts).
 */
import type { Library } from "../domain/library.js";
import { filterConditions, filterParams, filterShape, NEXT_BIT, statementPerShape } from "./library-filter.js";
import { librarySelect, toLibrary, type LibraryRow } from "./library-columns.js";
import type { LibraryCursor, LibraryFilter } from "./ports.js";
import { sql, type Dialect, type SqlDatabase } from "./sql/database.js";
import { encodeValue } from "./sql/values.js";

const CURSOR_BIT = NEXT_BIT;

/** Which optional parts a page statement has: the filter's, and the cursor. */
function shapeOf(filter: LibraryFilter, after: LibraryCursor | undefined): number {
  return filterShape(filter) | (after ? CURSOR_BIT : 0);
}

/**
 * Row-value comparison: an index range scan on (tenantId, createdAt, id) however deep the page.
 * `alias` qualifies the columns. PostgreSQL casts the bound time (UTC text, sql/values.ts) to
 * the column's type.
 */
function cursorCondition(alias: string, dialect: Dialect, n: number): string {
  const time = dialect === "postgresql" ? `$${n}::timestamp(3)` : `$${n}`;
  return `("${alias}"."createdAt", "${alias}"."id") > (${time}, $${n + 1})`;
}

/** The page SQL for a shape. */
function pageSql(shape: number, dialect: Dialect): string {
  const { where, n: filtered } = filterConditions(shape, dialect);
  let n = filtered;
  if (shape & CURSOR_BIT) {
    where.push(cursorCondition("Library", dialect, n + 1));
    n += 2;
  }
  return (
    `SELECT ${librarySelect()} FROM "Library" WHERE ${where.join(" AND ")} ` +
    `ORDER BY "Library"."createdAt" ASC, "Library"."id" ASC LIMIT $${n + 1}`
  );
}

/**
 * The counted page SQL for a shape: the same rows as pageSql, each with "total".
 *
 *  - `w`: the keys (id, createdAt) of every match of the filter, each with COUNT(*) OVER ():
 *    the count of them all, from the same pass. The cursor is applied outside it, so it does
 *    not narrow the count (neither database pushes a condition below a window function
 *    without PARTITION BY: that would change its result).
 *  - `h`: the keyset page of those keys (cursor, order, limit), a top-N sort.
 *  - the page's rows by primary key, `take` probes.
 * Only the two key columns go through the window: it buffers its whole input before the first
 * row comes out, so a broad term (300,000 matches) buffers 50 bytes a row instead of 250.
 */
function countedPageSql(shape: number, dialect: Dialect): string {
  const { where, n: filtered } = filterConditions(shape, dialect);
  let n = filtered;
  const cursor = shape & CURSOR_BIT ? ` WHERE ${cursorCondition("w", dialect, n + 1)}` : "";
  if (cursor) n += 2;
  const matches = `SELECT "id", "createdAt", COUNT(*) OVER () AS "total" FROM "Library" WHERE ${where.join(" AND ")}`;
  const keys = `SELECT "w"."id", "w"."createdAt", "w"."total" FROM (${matches}) AS "w"${cursor} ORDER BY "w"."createdAt" ASC, "w"."id" ASC LIMIT $${n + 1}`;
  return (
    `SELECT ${librarySelect("l")}, "h"."total" AS "total" FROM (${keys}) AS "h" JOIN "Library" AS "l" ON "l"."id" = "h"."id" ` +
    `ORDER BY "h"."createdAt" ASC, "h"."id" ASC`
  );
}

function pageParams(tenantId: string, filter: LibraryFilter, take: number, after: LibraryCursor | undefined): unknown[] {
  const params = filterParams(tenantId, filter);
  if (after) params.push(after.createdAt, after.id);
  params.push(take);
  return params;
}

type CountedRow = LibraryRow & { total: unknown };

const pageStatement = statementPerShape<LibraryRow>(pageSql);
const countedPageStatement = statementPerShape<CountedRow>(countedPageSql);

/**
 * One statement for any number of ids: they travel as one parameter. SQLite: a JSON array,
 * and CROSS JOIN keeps its planner from scanning the tenant's index instead (one primary-key
 * probe per id). PostgreSQL: a text[].
 */
const BY_IDS = sql<LibraryRow>({
  sqlite:
    `SELECT ${librarySelect()} FROM json_each($2) AS "wanted" ` +
    `CROSS JOIN "Library" ON "Library"."id" = "wanted"."value" WHERE "Library"."tenantId" = $1`,
  postgresql: `SELECT ${librarySelect()} FROM "Library" WHERE "Library"."tenantId" = $1 AND "Library"."id" = ANY($2::text[])`,
});

/**
 * The PostgreSQL statement a page read runs (`counted`: countedPage's), text and values as
 * sent: bench/scale.ts EXPLAINs exactly what the store issues.
 */
export function postgresPageStatement(tenantId: string, filter: LibraryFilter, take: number, after: LibraryCursor | undefined, counted: boolean) {
  const shape = shapeOf(filter, after);
  return {
    text: counted ? countedPageSql(shape, "postgresql") : pageSql(shape, "postgresql"),
    values: pageParams(tenantId, filter, take, after).map((value) => encodeValue(value, "postgresql")),
  };
}

export class LibraryPages {
  constructor(private readonly db: SqlDatabase) {}

  /** At most `take` libraries of the tenant matching the filter, after the cursor, in (createdAt, id) order. */
  async page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]> {
    const rows = await this.db.all(pageStatement(shapeOf(filter, after)), pageParams(tenantId, filter, take, after));
    return rows.map(toLibrary);
  }

  /**
   * The same page and, from the same statement, how many of the tenant's libraries match the
   * filter on all pages (the cursor does not narrow it): one pass over the matches instead of
   * two, for name filters, whose matches only the trigram index can find (see countedPageSql).
   * `total` is undefined when the page came back empty after a cursor: no row carried it.
   */
  async countedPage(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<{ libraries: Library[]; total: number | undefined }> {
    const rows = await this.db.all(countedPageStatement(shapeOf(filter, after)), pageParams(tenantId, filter, take, after));
    const total = rows.length > 0 ? Number(rows[0]!.total) : after ? undefined : 0;
    return { libraries: rows.map(toLibrary), total };
  }

  /** The tenant's libraries among these ids (distinct ids, at least one), in no particular order. */
  async byIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    return (await this.db.all(BY_IDS, [tenantId, ids])).map(toLibrary);
  }
}
