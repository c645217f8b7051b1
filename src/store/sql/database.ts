/**
 * The store's one query layer: fixed SQL statements, typed by the rows they return, run on a
 * `SqlDatabase` that is either SQLite (better-sqlite3, sqlite-database.ts) or PostgreSQL
 * (node-postgres, postgresql-database.ts). Repositories write their SQL once, with PostgreSQL
 * placeholders ($1, $2, ...), or once per dialect where the two differ (`sql({ sqlite,
 * postgresql })`), and never touch a driver.
 *
 * Why not an ORM or a query builder: Prisma's query compiler costs 0.7–1.2 ms of CPU per call
 * (3–12× slower than these statements on SQLite, 1.07–2.4× on PostgreSQL, measured on Prisma
 * 6.19 and 7; docs/design.md, "Store: why hand-written SQL"), and the statements here are few
 * and fixed: a prepared statement per text is the fastest thing either driver does.
 *
 * Every value crosses here in one encoding (values.ts): a Date is bound as UTC text, a boolean
 * as 0/1 on SQLite, an array as JSON text on SQLite (read with json_each) and as an array on
 * PostgreSQL (read with ANY). Rows come back as the driver gives them, apart from PostgreSQL's
 * int8 (a number) and timestamp (a UTC instant); the table codecs (library-columns.ts,
 * job-columns.ts) turn them into domain values with values.ts's readers.
 */

export type Dialect = "sqlite" | "postgresql";

/** A statement's text: the same for both dialects, or one per dialect. */
export type StatementText = string | { readonly sqlite: string; readonly postgresql: string };

/** A fixed SQL statement whose rows are `Row`. Build it once (module level) with `sql`. */
export interface Statement<Row = never> {
  readonly text: StatementText;
  /**
   * PostgreSQL: plan it for each call's values instead of once per connection. For statements
   * whose best plan depends on a value (a LIKE term: docs/design.md, "Store: name search").
   */
  readonly planPerCall: boolean;
  /** Phantom: carries the row type. */
  readonly row?: Row;
}

export function sql<Row = never>(text: StatementText, options: { planPerCall?: boolean } = {}): Statement<Row> {
  return { text, planPerCall: options.planPerCall ?? false };
}

/** Where statements run: the database itself, or one of its transactions. */
export interface SqlSession {
  readonly dialect: Dialect;
  /** Every row of a SELECT (or of a RETURNING clause). */
  all<Row>(statement: Statement<Row>, params?: readonly unknown[]): Promise<Row[]>;
  /** The first row, or undefined. */
  one<Row>(statement: Statement<Row>, params?: readonly unknown[]): Promise<Row | undefined>;
  /** Runs an INSERT, UPDATE or DELETE; how many rows it changed. */
  run(statement: Statement<unknown>, params?: readonly unknown[]): Promise<number>;
}

export interface SqlDatabase extends SqlSession {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Only `tx` may be used inside it (on SQLite a statement on the database itself would wait
   * for the transaction to end, which waits for it).
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /** The cheapest round trip: the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The text a dialect runs. */
export function textFor(statement: Statement<unknown>, dialect: Dialect): string {
  return typeof statement.text === "string" ? statement.text : statement.text[dialect];
}
