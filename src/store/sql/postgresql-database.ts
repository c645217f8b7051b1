/**
 * SqlDatabase on PostgreSQL: one node-postgres pool. A statement outside a transaction takes
 * any pooled connection; a transaction holds one connection from BEGIN to COMMIT.
 *
 * Statements are named (parsed and planned once per pooled connection, `fpgw_<hash>`) unless
 * they ask to be planned per call (`planPerCall`).
 *
 * Every wait is bounded, so a request always gets an answer (DATABASE_UNAVAILABLE at worst)
 * when the server restarts, stalls or drops connections:
 *  - a pooled connection is waited for at most CONNECT_TIMEOUT_MS;
 *  - the server cancels a statement after STATEMENT_TIMEOUT_MS, and ends a session left idle
 *    inside a transaction after the same time;
 *  - the client gives up on an answer after QUERY_TIMEOUT_MS (a dead peer that never sends
 *    RST), and such a connection is destroyed, not returned to the pool.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { textFor, type SqlDatabase, type SqlSession, type Statement } from "./database.js";
import { isDatabaseUnavailable } from "../database-failure.js";
import { encodeValue } from "./values.js";

export const CONNECT_TIMEOUT_MS = 10_000;
export const STATEMENT_TIMEOUT_MS = 20_000;
export const QUERY_TIMEOUT_MS = 25_000;

/** int8 (COUNT, SUM) as a number; TIMESTAMP(3) without time zone as the UTC instant it holds. */
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    if (oid === pg.types.builtins.TIMESTAMP) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `fpgw_${createHash("sha1").update(text).digest("hex").slice(0, 16)}`));
  return name;
}

function query(statement: Statement<unknown>, params: readonly unknown[]): pg.QueryConfig {
  const text = textFor(statement, "postgresql");
  return {
    name: statement.planPerCall ? undefined : nameOf(text),
    text,
    values: params.map((value) => encodeValue(value, "postgresql")),
    types: TYPES,
  };
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

class PostgresSession implements SqlSession {
  readonly dialect = "postgresql" as const;

  constructor(private readonly on: Queryable) {}

  async all<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.on.query(query(statement, params))).rows as Row[];
  }

  async one<Row>(statement: Statement<Row>, params: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.all(statement, params))[0];
  }

  async run(statement: Statement<unknown>, params: readonly unknown[] = []): Promise<number> {
    return (await this.on.query(query(statement, params))).rowCount ?? 0;
  }
}

/** Pool options: timeouts (above) and the session's search_path for `?schema=`. */
export function poolOptions(connectionString: string, sessionOptions: { options?: string }): pg.PoolConfig {
  return {
    connectionString,
    ...sessionOptions,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  };
}

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = "postgresql" as const;
  private readonly session: PostgresSession;
  private closed = false;

  constructor(readonly pool: pg.Pool) {
    this.session = new PostgresSession(pool);
  }

  all<Row>(statement: Statement<Row>, params?: readonly unknown[]): Promise<Row[]> {
    return this.session.all(statement, params);
  }

  one<Row>(statement: Statement<Row>, params?: readonly unknown[]): Promise<Row | undefined> {
    return this.session.one(statement, params);
  }

  run(statement: Statement<unknown>, params?: readonly unknown[]): Promise<number> {
    return this.session.run(statement, params);
  }

  async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection that failed (or whose ROLLBACK failed) is in an unknown state: destroyed,
    // not pooled again.
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(new PostgresSession(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        broken = error as Error;
        throw error;
      }
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query({ text: "SELECT 1", query_timeout: CONNECT_TIMEOUT_MS } as pg.QueryConfig);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
