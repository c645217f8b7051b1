/**
 * The durable event log, read side: one table, one id sequence, every kind of event (a
 * library's or a job's status change). Events are appended only by the repositories'
 * transition methods, in the transaction that changes the library or the job, so the log
 * and the rows never disagree.
 *
 * Reads are ascending by id, the log's order and the subscribers' cursor. On PostgreSQL an
 * id can become visible after a higher one (see transition); listSince lets the relay sweep
 * for such late arrivals by time.
 */
import type { UseDb } from "./client.js";
import { toGatewayEvent } from "./event-mapping.js";
import type { Prisma } from "./generated/postgresql/client.js";
import type { EventFilter, EventLogRepository, EventOf, GatewayEvent, JobEventFilter, LibraryEventFilter } from "./ports.js";

export class PrismaEventLogRepository implements EventLogRepository {
  constructor(private readonly use: UseDb) {}

  async listAfter<F extends EventFilter>(tenantId: string, afterId: number, filter: F, limit: number): Promise<Array<EventOf<F>>> {
    checkLimit(limit);
    if (limit === 0 || selectsNothing(filter)) return [];
    const where: Prisma.LibraryEventWhereInput = {
      tenantId,
      id: { gt: afterId },
      ...(filter.kind === "JOB" ? jobWhere(filter) : libraryWhere(filter)),
    };
    const rows = await this.use((db) => db.libraryEvent.findMany({ where, orderBy: { id: "asc" }, take: limit }));
    // The kind is in the query, so every row is the filter's kind.
    return rows.map(toGatewayEvent) as Array<EventOf<F>>;
  }

  async listSince(since: Date, limit: number): Promise<GatewayEvent[]> {
    checkLimit(limit);
    if (limit === 0) return [];
    const rows = await this.use((db) =>
      db.libraryEvent.findMany({ where: { occurredAt: { gte: since } }, orderBy: { id: "asc" }, take: limit }),
    );
    return rows.map(toGatewayEvent);
  }
}

function libraryWhere(filter: LibraryEventFilter): Prisma.LibraryEventWhereInput {
  return {
    kind: "LIBRARY",
    ...(filter.libraryIds !== undefined ? { libraryId: { in: [...new Set(filter.libraryIds)] } } : {}),
    ...(filter.backend !== undefined ? { backend: filter.backend } : {}),
    ...(filter.model !== undefined ? { model: filter.model } : {}),
    ...(filter.firstActivationOnly ? { firstActivation: true } : {}),
  };
}

function jobWhere(filter: JobEventFilter): Prisma.LibraryEventWhereInput {
  return {
    kind: "JOB",
    ...(filter.libraryIds !== undefined ? { libraryId: { in: [...new Set(filter.libraryIds)] } } : {}),
    ...(filter.jobIds !== undefined ? { jobId: { in: [...new Set(filter.jobIds)] } } : {}),
    ...(filter.searchIds !== undefined ? { searchId: { in: [...new Set(filter.searchIds)] } } : {}),
    ...(filter.statuses !== undefined ? { status: { in: [...new Set(filter.statuses)] } } : {}),
  };
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
