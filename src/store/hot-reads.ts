/**
 * The two reads every GraphQL query makes (a keyset page, and many libraries by id for the
 * request's DataLoader) as fixed SQL on statements prepared once, straight on the driver.
 *
 * Why not Prisma here: each Prisma call compiles its query (WebAssembly), prepares the
 * statement again and, on SQLite, waits its turn in the store's queue behind every other
 * unit; measured on 210 rows that was ~1.2 ms for a 51-row page and ~0.6 ms for one id,
 * against ~0.16 ms and ~0.005 ms for the same SELECT on a prepared better-sqlite3 statement.
 * Writes, transactions and every other read stay on Prisma.
 *
 * Consistency (SQLite): these reads run on a read-only connection of their own, not on the
 * adapter's. In WAL mode each statement reads the last committed state, so a read never sees
 * another request's open transaction (the reason the store serializes work on the adapter's
 * connection) and always sees what an awaited write committed before it. They need no place
 * in the queue, and run synchronously like the adapter's own statements.
 *
 * The name filter is the condition of like-pattern.ts, shared with the count (library-counts.ts):
 * a literal substring ("%", "_" and "\" escaped), case-insensitive, and on PostgreSQL the
 * expression its trigram index is built on. A page that also wants totalCount under a name
 * filter is one statement (countedPage): the index is read once for both.
 */
import type { Database, Statement } from "better-sqlite3";
import type { Pool, QueryResultRow } from "pg";
import type { Library } from "../domain/library.js";
import { containsPattern, nameContainsSql, type Dialect } from "./like-pattern.js";
import { toLibrary, type LibraryColumns } from "./mapping.js";
import { postgresDate, sqliteDate, sqliteDateTime } from "./sql-values.js";
import type { LibraryCursor, LibraryFilter } from "./ports.js";

/** What library-repository needs from the driver underneath Prisma. */
export type DirectDriver =
  | { kind: "sqlite"; reader: () => Database }
  | { kind: "postgresql"; pool: Pool };

export interface HotLibraryReads {
  /** At most `take` libraries of the tenant matching the filter, after the cursor, in (createdAt, id) order. */
  page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]>;
  /**
   * The same page and, from the same statement, how many of the tenant's libraries match the
   * filter on all pages (the cursor does not narrow it): one pass over the matches instead of
   * two, for name filters, whose matches only the trigram index can find (see countedPageSql).
   * `total` is undefined when the page came back empty after a cursor: no row carried it.
   */
  countedPage(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<{ libraries: Library[]; total: number | undefined }>;
  /** The tenant's libraries among these ids (distinct ids, at least one), in no particular order. */
  byIds(tenantId: string, ids: readonly string[]): Promise<Library[]>;
}

export function createHotReads(driver: DirectDriver): HotLibraryReads {
  return driver.kind === "sqlite" ? new SqliteHotReads(driver.reader) : new PostgresHotReads(driver.pool);
}

const COLUMNS = [
  "id",
  "tenantId",
  "backend",
  "backendLibraryId",
  "region",
  "name",
  "description",
  "model",
  "config",
  "status",
  "rawStatus",
  "deleteJobId",
  "createdAt",
  "updatedAt",
  "activatedAt",
] as const;

/** The equality filters, in the order their placeholders appear. */
const EQUALS = ["backend", "model", "status", "region"] as const;

const NAME_BIT = 1 << 4;
const CURSOR_BIT = 1 << 5;

/** Which optional parts a page query has: one prepared statement per shape (at most 64). */
function shapeOf(filter: LibraryFilter, after: LibraryCursor | undefined): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (filter.nameContains) shape |= NAME_BIT;
  if (after) shape |= CURSOR_BIT;
  return shape;
}

/** How a dialect writes the parts of a page statement. */
interface PageDialect {
  name: Dialect;
  /** The n-th placeholder (1-based). */
  param: (n: number) => string;
  /** The select list of the Library columns (`alias` qualifies them), converted for reading. */
  select: (alias: string) => string;
  /** Appended to the cursor's time placeholder (PostgreSQL casts the bound text). */
  timestamp: string;
}

/** The filter conditions (tenant, equalities, name), numbering placeholders from 1. */
function filterConditions(shape: number, d: PageDialect): { where: string[]; n: number } {
  const where = [`"tenantId" = ${d.param(1)}`];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = ${d.param(++n)}`);
  });
  if (shape & NAME_BIT) where.push(nameContainsSql(d.name, `"name"`, d.param(++n)));
  return { where, n };
}

/**
 * Row-value comparison: an index range scan on (tenantId, createdAt, id) however deep the page.
 * `alias` qualifies the columns, so PostgreSQL compares the stored columns, not the converted
 * output columns of the same names.
 */
const cursorCondition = (alias: string, d: PageDialect, n: number) =>
  `("${alias}"."createdAt", "${alias}"."id") > (${d.param(n)}${d.timestamp}, ${d.param(n + 1)})`;

/** The page SQL for a shape. */
function pageSql(shape: number, d: PageDialect): string {
  const { where, n: filtered } = filterConditions(shape, d);
  let n = filtered;
  if (shape & CURSOR_BIT) {
    where.push(cursorCondition("Library", d, n + 1));
    n += 2;
  }
  return (
    `SELECT ${d.select("Library")} FROM "Library" WHERE ${where.join(" AND ")} ` +
    `ORDER BY "Library"."createdAt" ASC, "Library"."id" ASC LIMIT ${d.param(n + 1)}`
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
function countedPageSql(shape: number, d: PageDialect): string {
  const { where, n: filtered } = filterConditions(shape, d);
  let n = filtered;
  const cursor = shape & CURSOR_BIT ? ` WHERE ${cursorCondition("w", d, n + 1)}` : "";
  if (cursor) n += 2;
  const matches = `SELECT "id", "createdAt", COUNT(*) OVER () AS "total" FROM "Library" WHERE ${where.join(" AND ")}`;
  const keys = `SELECT "w"."id", "w"."createdAt", "w"."total" FROM (${matches}) AS "w"${cursor} ORDER BY "w"."createdAt" ASC, "w"."id" ASC LIMIT ${d.param(n + 1)}`;
  return (
    `SELECT ${d.select("l")}, "h"."total" AS "total" FROM (${keys}) AS "h" JOIN "Library" AS "l" ON "l"."id" = "h"."id" ` +
    `ORDER BY "h"."createdAt" ASC, "h"."id" ASC`
  );
}

function pageParams(tenantId: string, filter: LibraryFilter, take: number, after: LibraryCursor | undefined, time: (date: Date) => string): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  if (filter.nameContains) params.push(containsPattern(filter.nameContains));
  if (after) params.push(time(after.createdAt), after.id);
  params.push(take);
  return params;
}

/** A counted page's answer from its rows; an empty page knows its total only without a cursor. */
function countedResult<R extends { total: unknown }>(rows: R[], after: LibraryCursor | undefined, toLibrary: (row: R) => Library) {
  const total = rows.length > 0 ? Number(rows[0].total) : after ? undefined : 0;
  return { libraries: rows.map(toLibrary), total };
}

interface SqlRow extends Omit<LibraryColumns, "createdAt" | "updatedAt" | "activatedAt"> {
  createdAt: unknown;
  updatedAt: unknown;
  activatedAt: unknown;
}

function fromSqlRow(row: SqlRow, toDate: (value: unknown, column: string, id: string) => Date): Library {
  return toLibrary({
    ...row,
    createdAt: toDate(row.createdAt, "createdAt", row.id),
    updatedAt: toDate(row.updatedAt, "updatedAt", row.id),
    activatedAt: row.activatedAt === null ? null : toDate(row.activatedAt, "activatedAt", row.id),
  });
}

/** SQLite DateTime text as the adapter writes it (sql-values.ts); cursor times are bound the same way, so comparisons see the stored text. */
const sqliteLibraryDate = (value: unknown, column: string, id: string) => sqliteDate(value, `Library.${column} of row ${id}`);

const SQLITE: PageDialect = {
  name: "sqlite",
  param: () => "?",
  select: (alias) => COLUMNS.map((name) => `"${alias}"."${name}" AS "${name}"`).join(", "),
  timestamp: "",
};

class SqliteHotReads implements HotLibraryReads {
  private readonly pages = new Map<number, Statement>();
  private readonly countedPages = new Map<number, Statement>();
  private byIdStatement: Statement | undefined;

  constructor(private readonly reader: () => Database) {}

  private statement(cache: Map<number, Statement>, shape: number, sql: (shape: number, d: PageDialect) => string): Statement {
    let statement = cache.get(shape);
    if (!statement) {
      statement = this.reader().prepare(sql(shape, SQLITE));
      cache.set(shape, statement);
    }
    return statement;
  }

  async page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]> {
    const rows = this.statement(this.pages, shapeOf(filter, after), pageSql).all(...pageParams(tenantId, filter, take, after, sqliteDateTime)) as SqlRow[];
    return rows.map((row) => fromSqlRow(row, sqliteLibraryDate));
  }

  async countedPage(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor) {
    const statement = this.statement(this.countedPages, shapeOf(filter, after), countedPageSql);
    const rows = statement.all(...pageParams(tenantId, filter, take, after, sqliteDateTime)) as Array<SqlRow & { total: number | bigint }>;
    return countedResult(rows, after, (row) => fromSqlRow(row, sqliteLibraryDate));
  }

  async byIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    // One statement for any number of ids: they travel as one JSON array. CROSS JOIN keeps
    // SQLite's planner from scanning the tenant's index instead: one primary-key probe per id.
    this.byIdStatement ??= this.reader().prepare(
      `SELECT ${COLUMNS.map((name) => `Library.${name}`).join(", ")} FROM json_each(?) AS wanted ` +
        `CROSS JOIN Library ON Library.id = wanted.value WHERE Library.tenantId = ?`,
    );
    const rows = this.byIdStatement.all(JSON.stringify(ids), tenantId) as SqlRow[];
    return rows.map((row) => fromSqlRow(row, sqliteLibraryDate));
  }
}

/**
 * PostgreSQL: named statements, so each pooled connection parses and plans a shape once.
 * The columns are TIMESTAMP(3) (no time zone) holding UTC, as Prisma writes them: they are
 * read `AT TIME ZONE 'UTC'` (an instant, whatever the session's TimeZone) and cursor times
 * are bound as UTC text, because pg would format a Date in the process's local zone.
 */
const POSTGRESQL: PageDialect = {
  name: "postgresql",
  param: (n) => `$${n}`,
  select: (alias) =>
    COLUMNS.map((name) =>
      name === "createdAt" || name === "updatedAt" || name === "activatedAt"
        ? `"${alias}"."${name}" AT TIME ZONE 'UTC' AS "${name}"`
        : `"${alias}"."${name}" AS "${name}"`,
    ).join(", "),
  timestamp: "::timestamp(3)",
};

/**
 * The PostgreSQL statement a page read runs (`counted`: countedPage's), text and values as
 * sent: bench/scale.ts EXPLAINs exactly what the store issues.
 */
export function postgresPageStatement(tenantId: string, filter: LibraryFilter, take: number, after: LibraryCursor | undefined, counted: boolean) {
  const shape = shapeOf(filter, after);
  return {
    text: counted ? countedPageSql(shape, POSTGRESQL) : pageSql(shape, POSTGRESQL),
    values: pageParams(tenantId, filter, take, after, (date) => date.toISOString()),
  };
}

class PostgresHotReads implements HotLibraryReads {
  private static readonly select = POSTGRESQL.select("Library");
  private readonly texts = new Map<number, string>();
  private readonly countedTexts = new Map<number, string>();

  constructor(private readonly pool: Pool) {}

  /**
   * A named statement (parsed and planned once per pooled connection) for shapes without a
   * name filter. A name filter's plan depends on its term: the trigram index's bitmap and a
   * sort for a rare term, a walk along (tenantId, createdAt, id) that stops after `take`
   * matches for a common one. A named statement may switch to a generic plan after five runs,
   * one that cannot see the term and walks the whole tenant for a rare one (docs/design.md,
   * Store: name search), so those go unnamed, planned for each term (about 0.2 ms).
   */
  private async run<R extends QueryResultRow>(prefix: string, shape: number, text: string, values: unknown[]) {
    const name = shape & NAME_BIT ? undefined : `${prefix}_${shape}`;
    return (await this.pool.query<R>({ name, text, values })).rows;
  }

  async page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]> {
    const shape = shapeOf(filter, after);
    let text = this.texts.get(shape);
    if (!text) this.texts.set(shape, (text = pageSql(shape, POSTGRESQL)));
    const rows = await this.run<SqlRow>("fpgw_library_page", shape, text, pageParams(tenantId, filter, take, after, (date) => date.toISOString()));
    return rows.map((row) => fromSqlRow(row, postgresLibraryDate));
  }

  async countedPage(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor) {
    const shape = shapeOf(filter, after);
    let text = this.countedTexts.get(shape);
    if (!text) this.countedTexts.set(shape, (text = countedPageSql(shape, POSTGRESQL)));
    const values = pageParams(tenantId, filter, take, after, (date) => date.toISOString());
    const rows = await this.run<SqlRow & { total: string }>("fpgw_library_counted_page", shape, text, values);
    return countedResult(rows, after, (row) => fromSqlRow(row, postgresLibraryDate));
  }

  async byIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    const result = await this.pool.query<SqlRow>({
      name: "fpgw_library_by_ids",
      text: `SELECT ${PostgresHotReads.select} FROM "Library" WHERE "tenantId" = $1 AND "id" = ANY($2::text[])`,
      values: [tenantId, ids],
    });
    return result.rows.map((row) => fromSqlRow(row, postgresLibraryDate));
  }
}

function postgresLibraryDate(value: unknown, column: string, id: string): Date {
  return postgresDate(value, `Library.${column} of row ${id}`);
}
