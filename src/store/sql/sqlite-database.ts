/**
 * SqlDatabase on SQLite: two better-sqlite3 connections to the file.
 *
 *  - The writer runs every write and every transaction, one unit at a time in a FIFO queue
 *    (`serialize`). A connection has one transaction: a write issued while another request's
 *    transaction is open on it would run inside that transaction and be rolled back with it,
 *    so nothing reaches the writer except through the queue. SQLite executes statements
 *    synchronously anyway, so the queue costs no parallelism.
 *  - The reader (read-only) runs every read-only statement outside a transaction, with no
 *    place in the queue. In WAL mode each statement reads the last commit: it never sees an
 *    open transaction, and always sees what an awaited write committed before it.
 * Which connection a statement belongs on is SQLite's own answer (`Statement.readonly`).
 *
 * Statements are prepared once per connection and text. Placeholders are written $1, $2, ...
 * (PostgreSQL's); better-sqlite3 binds `?` by position only, so the text is rewritten once and
 * each call's values are laid out in the order the placeholders appear.
 */
import type { Database, Statement as Prepared } from "better-sqlite3";
import { textFor, type SqlDatabase, type SqlSession, type Statement } from "./database.js";
import { encodeValue } from "./values.js";

/** Runs one unit of work alone on the writer (a FIFO queue). Units must not nest. */
export type Serialize = <T>(work: () => Promise<T>) => Promise<T>;

/** A FIFO queue of async units. */
export function serialQueue(): Serialize & { idle(): Promise<void> } {
  let tail: Promise<unknown> = Promise.resolve();
  const serialize = (<T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }) as Serialize & { idle(): Promise<void> };
  serialize.idle = () => tail.then(() => undefined);
  return serialize;
}

interface Compiled {
  text: string;
  /** For each `?` in order, the index of the value it takes. */
  order: number[];
}

const compiledTexts = new Map<string, Compiled>();

function compile(text: string): Compiled {
  let compiled = compiledTexts.get(text);
  if (!compiled) {
    const order: number[] = [];
    const rewritten = text.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return "?";
    });
    compiled = { text: rewritten, order };
    compiledTexts.set(text, compiled);
  }
  return compiled;
}

/** Statements prepared once on one connection. */
class PreparedCache {
  private readonly statements = new Map<string, { prepared: Prepared; order: number[] }>();
  private opened: Database | undefined;

  /** `open` is called on first use: after the start-up migration, which needs the file to itself. */
  constructor(private readonly open: () => Database) {}

  get connection(): Database {
    return (this.opened ??= this.open());
  }

  close(): void {
    this.opened?.close();
  }

  get(text: string) {
    let entry = this.statements.get(text);
    if (!entry) {
      const { text: rewritten, order } = compile(text);
      entry = { prepared: this.connection.prepare(rewritten), order };
      this.statements.set(text, entry);
    }
    return entry;
  }
}

function bind(order: number[], params: readonly unknown[]): unknown[] {
  return order.map((index) => encodeValue(params[index], "sqlite"));
}

/** Statements on one connection, synchronously (the writer inside a unit). */
class SqliteSession implements SqlSession {
  readonly dialect = "sqlite" as const;

  constructor(private readonly cache: PreparedCache) {}

  async all<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row[]> {
    return this.allNow(statement, params);
  }

  allNow<Row>(statement: Statement<Row>, params: readonly unknown[]): Row[] {
    const { prepared, order } = this.cache.get(textFor(statement, "sqlite"));
    if (!prepared.reader) {
      prepared.run(...bind(order, params));
      return [];
    }
    return prepared.all(...bind(order, params)) as Row[];
  }

  async one<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row | undefined> {
    return this.allNow(statement, params)[0];
  }

  async run(statement: Statement<unknown>, params: readonly unknown[] = []): Promise<number> {
    return this.runNow(statement, params);
  }

  runNow(statement: Statement<unknown>, params: readonly unknown[]): number {
    const { prepared, order } = this.cache.get(textFor(statement, "sqlite"));
    return prepared.run(...bind(order, params)).changes;
  }
}

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = "sqlite" as const;
  private readonly writer: SqliteSession;
  private readonly reader: SqliteSession;
  private readonly writerCache: PreparedCache;
  private closed = false;

  private readonly readerCache: PreparedCache;

  constructor(
    writer: () => Database,
    reader: () => Database,
    private readonly serialize: Serialize & { idle?(): Promise<void> },
  ) {
    this.writerCache = new PreparedCache(writer);
    this.readerCache = new PreparedCache(reader);
    this.writer = new SqliteSession(this.writerCache);
    this.reader = new SqliteSession(this.readerCache);
  }

  /** Read-only statements go to the reader at once; anything else waits its turn on the writer. */
  private route(statement: Statement<unknown>): "reader" | "writer" {
    return this.writerCache.get(textFor(statement, "sqlite")).prepared.readonly ? "reader" : "writer";
  }

  all<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.route(statement) === "reader") return this.reader.all(statement, params);
    return this.serialize(async () => this.writer.allNow(statement, params));
  }

  async one<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.all(statement, params))[0];
  }

  run(statement: Statement<unknown>, params: readonly unknown[] = []): Promise<number> {
    return this.serialize(async () => this.writer.runNow(statement, params));
  }

  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      const connection = this.writerCache.connection;
      // IMMEDIATE: take the write lock now (waiting up to the busy timeout for another
      // process), so the transaction cannot fail later on upgrading a read lock.
      connection.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.writer);
        connection.exec("COMMIT");
        return result;
      } catch (error) {
        if (connection.inTransaction) connection.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async ping(): Promise<void> {
    this.reader.allNow(PING, []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.serialize.idle?.();
    this.writerCache.close();
    this.readerCache.close();
  }
}

const PING: Statement<{ one: number }> = { text: "SELECT 1 AS one", planPerCall: false };
