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
 * expression its trigram index is built on.
 */
import type { Database, Statement } from "better-sqlite3";
import type { Pool } from "pg";
import type { Library } from "../domain/library.js";
import { containsPattern, nameContainsSql, type Dialect } from "./like-pattern.js";
import { toLibrary, type LibraryColumns } from "./mapping.js";
import type { LibraryCursor, LibraryFilter } from "./ports.js";

/** What library-repository needs from the driver underneath Prisma. */
export type DirectDriver =
  | { kind: "sqlite"; reader: () => Database }
  | { kind: "postgresql"; pool: Pool };

export interface HotLibraryReads {
  /** At most `take` libraries of the tenant matching the filter, after the cursor, in (createdAt, id) order. */
  page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]>;
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

/** Which optional parts a page query has: one prepared statement per shape (at most 64). */
function shapeOf(filter: LibraryFilter, after: LibraryCursor | undefined): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (filter.nameContains) shape |= 1 << 4;
  if (after) shape |= 1 << 5;
  return shape;
}

/** The page SQL for a shape; `param(n)` writes the n-th placeholder (1-based). */
function pageSql(shape: number, quote: (name: string) => string, param: (n: number) => string, dialect: Dialect, timestamp: string): string {
  const where = [`${quote("tenantId")} = ${param(1)}`];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`${quote(key)} = ${param(++n)}`);
  });
  if (shape & (1 << 4)) where.push(nameContainsSql(dialect, quote("name"), param(++n)));
  // Row-value comparison: an index range scan on (tenantId, createdAt, id) however deep the page.
  if (shape & (1 << 5)) where.push(`(${quote("createdAt")}, ${quote("id")}) > (${param(++n)}${timestamp}, ${param(++n)})`);
  return (
    `SELECT ${COLUMNS.map(quote).join(", ")} FROM ${quote("Library")} WHERE ${where.join(" AND ")} ` +
    // Qualified, so PostgreSQL orders by the column (and its index), not the converted output column.
    `ORDER BY ${quote("Library")}.${quote("createdAt")} ASC, ${quote("Library")}.${quote("id")} ASC LIMIT ${param(++n)}`
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

/**
 * SQLite DateTime columns as Prisma's better-sqlite3 adapter writes them: ISO 8601 text
 * ("2026-11-21T16:45:19.636+00:00"), or integers (unix ms), the adapter's other format.
 */
function sqliteDate(value: unknown, column: string, id: string): Date {
  const date =
    typeof value === "string" ? new Date(value) : typeof value === "number" || typeof value === "bigint" ? new Date(Number(value)) : null;
  if (!date || Number.isNaN(date.getTime())) throw new Error(`Stored Library.${column} of row ${id} is not a date.`);
  return date;
}

/** The adapter's format for binding a Date, so cursor comparisons see the stored text. */
const sqliteTime = (date: Date) => date.toISOString().replace("Z", "+00:00");

class SqliteHotReads implements HotLibraryReads {
  private readonly pages = new Map<number, Statement>();
  private byIdStatement: Statement | undefined;

  constructor(private readonly reader: () => Database) {}

  async page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]> {
    const shape = shapeOf(filter, after);
    let statement = this.pages.get(shape);
    if (!statement) {
      statement = this.reader().prepare(pageSql(shape, (name) => name, () => "?", "sqlite", ""));
      this.pages.set(shape, statement);
    }
    const rows = statement.all(...pageParams(tenantId, filter, take, after, sqliteTime)) as SqlRow[];
    return rows.map((row) => fromSqlRow(row, sqliteDate));
  }

  async byIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    // One statement for any number of ids: they travel as one JSON array. CROSS JOIN keeps
    // SQLite's planner from scanning the tenant's index instead: one primary-key probe per id.
    this.byIdStatement ??= this.reader().prepare(
      `SELECT ${COLUMNS.map((name) => `Library.${name}`).join(", ")} FROM json_each(?) AS wanted ` +
        `CROSS JOIN Library ON Library.id = wanted.value WHERE Library.tenantId = ?`,
    );
    const rows = this.byIdStatement.all(JSON.stringify(ids), tenantId) as SqlRow[];
    return rows.map((row) => fromSqlRow(row, sqliteDate));
  }
}

/**
 * PostgreSQL: named statements, so each pooled connection parses and plans a shape once.
 * The columns are TIMESTAMP(3) (no time zone) holding UTC, as Prisma writes them: they are
 * read `AT TIME ZONE 'UTC'` (an instant, whatever the session's TimeZone) and cursor times
 * are bound as UTC text, because pg would format a Date in the process's local zone.
 */
class PostgresHotReads implements HotLibraryReads {
  constructor(private readonly pool: Pool) {}

  private static readonly quote = (name: string) => `"${name}"`;
  private static readonly select = COLUMNS.map((name) =>
    name === "createdAt" || name === "updatedAt" || name === "activatedAt" ? `"${name}" AT TIME ZONE 'UTC' AS "${name}"` : `"${name}"`,
  ).join(", ");
  private readonly texts = new Map<number, string>();

  async page(tenantId: string, filter: LibraryFilter, take: number, after?: LibraryCursor): Promise<Library[]> {
    const shape = shapeOf(filter, after);
    let text = this.texts.get(shape);
    if (!text) {
      text = pageSql(shape, PostgresHotReads.quote, (n) => `$${n}`, "postgresql", "::timestamp(3)").replace(
        /^SELECT .*? FROM/,
        `SELECT ${PostgresHotReads.select} FROM`,
      );
      this.texts.set(shape, text);
    }
    const result = await this.pool.query<SqlRow>({
      name: `fpgw_library_page_${shape}`,
      text,
      values: pageParams(tenantId, filter, take, after, (date) => date.toISOString()),
    });
    return result.rows.map((row) => fromSqlRow(row, postgresDate));
  }

  async byIds(tenantId: string, ids: readonly string[]): Promise<Library[]> {
    const result = await this.pool.query<SqlRow>({
      name: "fpgw_library_by_ids",
      text: `SELECT ${PostgresHotReads.select} FROM "Library" WHERE "tenantId" = $1 AND "id" = ANY($2::text[])`,
      values: [tenantId, ids],
    });
    return result.rows.map((row) => fromSqlRow(row, postgresDate));
  }
}

function postgresDate(value: unknown, column: string, id: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  throw new Error(`Stored Library.${column} of row ${id} is not a date.`);
}
