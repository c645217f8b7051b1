/**
 * A LibraryFilter as SQL, for the page (library-pages.ts) and the count (library-counts.ts)
 * alike: which of its parts are set (its shape: one fixed statement per shape), the
 * conditions, and their parameters in placeholder order. Conditions name columns unqualified:
 * "Library" and "LibraryCount" both have tenantId, backend, model, status and region.
 *
 * The name condition is sql/like.ts's: a literal substring ("%", "_" and "\" escaped),
 * case-insensitive, and on PostgreSQL the expression its trigram index is built on.
 */
import type { LibraryFilter } from "./ports.js";
import { sql, type Dialect, type Statement } from "./sql/database.js";
import { containsPattern, nameContainsSql } from "./sql/like.js";

/** The equality filters, in the order their placeholders appear. */
const EQUALS = ["backend", "model", "status", "region"] as const;

export const NAME_BIT = 1 << EQUALS.length;
/** The first bit a caller may use for parts of its own (the page's cursor). */
export const NEXT_BIT = NAME_BIT << 1;

/** Which of the filter's parts are set. */
export function filterShape(filter: LibraryFilter): number {
  let shape = 0;
  EQUALS.forEach((key, bit) => {
    if (filter[key] !== undefined) shape |= 1 << bit;
  });
  if (filter.nameContains) shape |= NAME_BIT;
  return shape;
}

/** The conditions of a shape (tenant, equalities, name), with placeholders $1..$n; `n` is the last one used. */
export function filterConditions(shape: number, dialect: Dialect): { where: string[]; n: number } {
  const where = [`"tenantId" = $1`];
  let n = 1;
  EQUALS.forEach((key, bit) => {
    if (shape & (1 << bit)) where.push(`"${key}" = $${++n}`);
  });
  if (shape & NAME_BIT) where.push(nameContainsSql(dialect, `"name"`, `$${++n}`));
  return { where, n };
}

/** The parameters of filterConditions, in order. */
export function filterParams(tenantId: string, filter: LibraryFilter): unknown[] {
  const params: unknown[] = [tenantId];
  for (const key of EQUALS) if (filter[key] !== undefined) params.push(filter[key]);
  if (filter.nameContains) params.push(containsPattern(filter.nameContains));
  return params;
}

/**
 * One statement per shape, built on first use. A name filter's plan depends on its term: the
 * trigram index's bitmap and a sort for a rare term, a walk along (tenantId, createdAt, id)
 * that stops after `take` matches for a common one. A named PostgreSQL statement may switch
 * to a generic plan after five runs, one that cannot see the term and walks the whole tenant
 * for a rare one (docs/design.md, Store: name search), so those are planned per call (about
 * 0.2 ms); every other shape is planned once per pooled connection.
 */
export function statementPerShape<Row>(build: (shape: number, dialect: Dialect) => string): (shape: number) => Statement<Row> {
  const cache = new Map<number, Statement<Row>>();
  return (shape) => {
    let statement = cache.get(shape);
    if (!statement) {
      statement = sql<Row>({ sqlite: build(shape, "sqlite"), postgresql: build(shape, "postgresql") }, { planPerCall: (shape & NAME_BIT) !== 0 });
      cache.set(shape, statement);
    }
    return statement;
  };
}
