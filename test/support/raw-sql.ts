/** Hand-written SQL for tests that set a database up or look at it beside the store, on the store's own query layer. */
import type { Connection } from "../../src/store/client.js";
import { sql } from "../../src/store/sql/database.js";

/** Runs one statement (DDL, INSERT, UPDATE, DELETE); how many rows it changed. */
export function rawRun(connection: Connection, text: string, params: unknown[] = []): Promise<number> {
  return connection.sql.run(sql(text, { planPerCall: true }), params);
}

/** The rows of one query. */
export function rawAll<Row>(connection: Connection, text: string, params: unknown[] = []): Promise<Row[]> {
  return connection.sql.all(sql<Row>(text, { planPerCall: true }), params);
}
