/**
 * The durable event log, read side: one table ("LibraryEvent"), one id sequence, every kind
 * of event (a library's or a job's status change). Events are appended only by the
 * repositories' transition methods, in the transaction that changes the library or the job,
 * so the log and the rows never disagree.
 *
 * Reads are ascending by id, the log's order and the subscribers' cursor: a tenant's events
 * after an id are a range of the (tenantId, id) index, one library's of (libraryId, id). Ids
 * become visible in commit order (appendEvent, event-columns.ts), so the log read after any
 * id is final up to its last row: listAfterId is how the relay fills a gap the bus left.
 *
 * One fixed statement per filter shape (which of the filter's fields are set). A list of ids
 * travels as one parameter: a JSON array read with json_each on SQLite, a text[] on PostgreSQL.
 */
import { EVENT_SELECT, type EventRow } from "./event-columns.js";
import { toGatewayEvent } from "./event-mapping.js";
import type { EventFilter, EventLogRepository, EventOf, GatewayEvent, JobEventFilter, LibraryEventFilter } from "./ports.js";
import { sql, type Dialect, type SqlDatabase, type Statement } from "./sql/database.js";

/** One optional condition of a filter: left out when the filter does not set its parameter. */
interface Condition<F> {
  /** The condition, given its placeholder ("$3"). */
  text(placeholder: string, dialect: Dialect): string;
  param(filter: F): unknown;
}

const inList = (column: string) => (placeholder: string, dialect: Dialect) =>
  dialect === "sqlite" ? `"${column}" IN (SELECT value FROM json_each(${placeholder}))` : `"${column}" = ANY(${placeholder}::text[])`;
const equals = (column: string) => (placeholder: string) => `"${column}" = ${placeholder}`;
const distinct = (values: readonly string[] | undefined) => (values === undefined ? undefined : [...new Set(values)]);

const LIBRARY_CONDITIONS: Array<Condition<LibraryEventFilter>> = [
  { text: inList("libraryId"), param: (f) => distinct(f.libraryIds) },
  { text: equals("backend"), param: (f) => f.backend },
  { text: equals("model"), param: (f) => f.model },
  { text: equals("firstActivation"), param: (f) => (f.firstActivationOnly ? true : undefined) },
];

const JOB_CONDITIONS: Array<Condition<JobEventFilter>> = [
  { text: inList("libraryId"), param: (f) => distinct(f.libraryIds) },
  { text: inList("jobId"), param: (f) => distinct(f.jobIds) },
  { text: inList("searchId"), param: (f) => distinct(f.searchIds) },
  { text: inList("status"), param: (f) => distinct(f.statuses) },
];

function listAfterSql<F>(kind: "LIBRARY" | "JOB", conditions: Array<Condition<F>>, shape: number, dialect: Dialect): string {
  const where = [`"tenantId" = $1`, `"id" > $2`, `"kind" = '${kind}'`];
  let n = 2;
  conditions.forEach((condition, bit) => {
    if (shape & (1 << bit)) where.push(condition.text(`$${++n}`, dialect));
  });
  return `SELECT ${EVENT_SELECT} FROM "LibraryEvent" WHERE ${where.join(" AND ")} ORDER BY "id" ASC LIMIT $${n + 1}`;
}

const LIST_AFTER_ID = sql<EventRow>(`SELECT ${EVENT_SELECT} FROM "LibraryEvent" WHERE "id" > $1 ORDER BY "id" ASC LIMIT $2`);
const LAST_ID = sql<{ lastId: unknown }>(`SELECT MAX("id") AS "lastId" FROM "LibraryEvent"`);

export class LibraryEventLog implements EventLogRepository {
  private readonly statements = new Map<string, Statement<EventRow>>();

  constructor(private readonly db: SqlDatabase) {}

  async listAfter<F extends EventFilter>(tenantId: string, afterId: number, filter: F, limit: number): Promise<Array<EventOf<F>>> {
    checkLimit(limit);
    if (limit === 0 || selectsNothing(filter)) return [];
    const rows =
      filter.kind === "JOB"
        ? await this.list("JOB", JOB_CONDITIONS, filter, tenantId, afterId, limit)
        : await this.list("LIBRARY", LIBRARY_CONDITIONS, filter, tenantId, afterId, limit);
    // The kind is in the query, so every row is the filter's kind.
    return rows.map(toGatewayEvent) as Array<EventOf<F>>;
  }

  private list<F>(kind: "LIBRARY" | "JOB", conditions: Array<Condition<F>>, filter: F, tenantId: string, afterId: number, limit: number) {
    const params: unknown[] = [tenantId, afterId];
    let shape = 0;
    conditions.forEach((condition, bit) => {
      const param = condition.param(filter);
      if (param === undefined) return;
      shape |= 1 << bit;
      params.push(param);
    });
    params.push(limit);
    const key = `${kind}:${shape}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = sql<EventRow>({
        sqlite: listAfterSql(kind, conditions, shape, "sqlite"),
        postgresql: listAfterSql(kind, conditions, shape, "postgresql"),
      });
      this.statements.set(key, statement);
    }
    return this.db.all(statement, params);
  }

  async listAfterId(afterId: number, limit: number): Promise<GatewayEvent[]> {
    checkLimit(limit);
    if (limit === 0) return [];
    return (await this.db.all(LIST_AFTER_ID, [afterId, limit])).map(toGatewayEvent);
  }

  async lastId(): Promise<number> {
    const row = await this.db.one(LAST_ID);
    return row?.lastId == null ? 0 : Number(row.lastId);
  }
}

/** An empty id list (or status list) matches no event; the query is not worth making. */
function selectsNothing(filter: EventFilter): boolean {
  if (filter.libraryIds?.length === 0) return true;
  if (filter.kind === "JOB") return filter.jobIds?.length === 0 || filter.searchIds?.length === 0 || filter.statuses?.length === 0 || filter.jobKinds?.length === 0;
  return false;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
}
