/**
 * The durable event log, read side. Events are appended only by LibraryRepository.transition
 * and JobRepository.transition, in the transaction that changes the library or job, so the log
 * and the registry never disagree.
 *
 * Reads are ascending by id, the log's order and the subscribers' cursor. On PostgreSQL an
 * id can become visible after a higher one (see transition); listSince lets the relay sweep
 * for such late arrivals by time.
 */
import type { UseDb } from "./client.js";
import type { Prisma } from "./generated/postgresql/client.js";
import { toLibraryEvent } from "./mapping.js";
import type { LibraryEvent, LibraryEventFilter, LibraryEventRepository } from "./ports.js";

/**
 * The log also holds JOB rows (JobRepository.transition); these reads return library events
 * only, so JOB rows are filtered out here until the read side learns to return both.
 */
const LIBRARY_KIND = "LIBRARY";

export class PrismaLibraryEventRepository implements LibraryEventRepository {
  constructor(private readonly use: UseDb) {}

  async listAfter(tenantId: string, afterId: number, filter: LibraryEventFilter, limit: number): Promise<LibraryEvent[]> {
    checkLimit(limit);
    if (limit === 0 || filter.libraryIds?.length === 0) return [];
    const where: Prisma.LibraryEventWhereInput = {
      tenantId,
      kind: LIBRARY_KIND,
      id: { gt: afterId },
      ...(filter.libraryIds !== undefined ? { libraryId: { in: [...new Set(filter.libraryIds)] } } : {}),
      ...(filter.backend !== undefined ? { backend: filter.backend } : {}),
      ...(filter.model !== undefined ? { model: filter.model } : {}),
      ...(filter.firstActivationOnly ? { firstActivation: true } : {}),
    };
    const rows = await this.use((db) => db.libraryEvent.findMany({ where, orderBy: { id: "asc" }, take: limit }));
    return rows.map(toLibraryEvent);
  }

  async listSince(since: Date, limit: number): Promise<LibraryEvent[]> {
    checkLimit(limit);
    if (limit === 0) return [];
    const rows = await this.use((db) =>
      db.libraryEvent.findMany({ where: { kind: LIBRARY_KIND, occurredAt: { gte: since } }, orderBy: { id: "asc" }, take: limit }),
    );
    return rows.map(toLibraryEvent);
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
}
