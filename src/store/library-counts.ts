/**
 * totalCount of a library page: how many of a tenant's libraries match a filter, exact.
 *
 *  - Without nameContains: a sum over "LibraryCount", the per (tenant, backend, model, status,
 *    region) counts that triggers on "Library" keep in the transaction of every insert,
 *    status change and delete (migration 20261203100000_library_counts). A tenant has at
 *    most backends x models x statuses x regions such rows (a few hundred), so this costs the
 *    same at 10 libraries or 10 million.
 *  - With nameContains: COUNT(*) over the rows the name matches, with the same condition as
 *    the page (like-pattern.ts). On PostgreSQL the trigram index yields those rows, so the
 *    cost grows with the number of matches, not of libraries; on SQLite it reads the tenant's
 *    rows (figures in docs/design.md (Store: counting at scale)).
 *
 * Fixed SQL on statements prepared once per filter shape, on the same driver connections as
 * the page reads (hot-reads.ts).
 */
import type { Statement } from "better-sqlite3";
import type { DirectDriver } from "./hot-reads.js";
import { containsPattern, nameContainsSql, type Dialect } from "./like-pattern.js";
import type { LibraryFilter } from "./ports.js";

/** The equality filters, in the order their placeholders appear. */
const EQUALS = ["backend", "model", "status", "region"] as const;

const NAME_BIT = 1 << 4;

function shapeOf(filter: LibraryFilter): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (filter.nameContains) shape |= NAME_BIT;
  return shape;
}

function countSql(dialect: Dialect, shape: number): string {
  const param = dialect === "postgresql" ? (n: number) => `$${n}` : () => "?";
  const where = [`"tenantId" = ${param(1)}`];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = ${param(++n)}`);
  });
  if (shape & NAME_BIT) {
    where.push(nameContainsSql(dialect, `"name"`, param(++n)));
    return `SELECT COUNT(*) AS "n" FROM "Library" WHERE ${where.join(" AND ")}`;
  }
  return `SELECT COALESCE(SUM("count"), 0) AS "n" FROM "LibraryCount" WHERE ${where.join(" AND ")}`;
}

function countParams(tenantId: string, filter: LibraryFilter): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  if (filter.nameContains) params.push(containsPattern(filter.nameContains));
  return params;
}

/** The PostgreSQL statement count() runs, text and values as sent (bench/scale.ts EXPLAINs it). */
export function postgresCountStatement(tenantId: string, filter: LibraryFilter) {
  return { text: countSql("postgresql", shapeOf(filter)), values: countParams(tenantId, filter) };
}

export class LibraryCounts {
  private readonly sqlite = new Map<number, Statement>();

  constructor(private readonly driver: DirectDriver) {}

  async count(tenantId: string, filter: LibraryFilter): Promise<number> {
    const shape = shapeOf(filter);
    const params = countParams(tenantId, filter);
    if (this.driver.kind === "sqlite") {
      let statement = this.sqlite.get(shape);
      if (!statement) {
        statement = this.driver.reader().prepare(countSql("sqlite", shape));
        this.sqlite.set(shape, statement);
      }
      return Number((statement.get(...params) as { n: number | bigint }).n);
    }
    const result = await this.driver.pool.query<{ n: string | number }>({
      // Unnamed with a name filter: planned for its term, as the page is (hot-reads.ts).
      name: shape & NAME_BIT ? undefined : `fpgw_library_count_${shape}`,
      text: countSql("postgresql", shape),
      values: params,
    });
    return Number(result.rows[0].n);
  }
}
