/** Reads over the gateway's jobs and duplicate searches: by id (the DataLoader batches) and pages. */
import { badInput } from "../domain/errors.js";
import type { DuplicateSearch, FingerprintJob } from "../domain/job.js";
import type { JobFilter } from "../store/job-ports.js";
import type { Store } from "../store/ports.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor } from "./library-queries.js";

export interface JobPageResult {
  items: FingerprintJob[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: () => Promise<number>;
}

export class JobQueries {
  constructor(private readonly store: Store) {}

  async jobsByIds(tenantId: string, ids: readonly string[]): Promise<Array<FingerprintJob | null>> {
    const rows = await this.store.jobs.findManyByIds(tenantId, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async searchesByIds(tenantId: string, ids: readonly string[]): Promise<Array<DuplicateSearch | null>> {
    const rows = await this.store.searches.findManyByIds(tenantId, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A search's submitted jobs, in the order of its libraries (a PENDING or REFUSED submit is not a job yet). */
  async jobsOfSearch(tenantId: string, search: DuplicateSearch): Promise<FingerprintJob[]> {
    const jobs = (await this.store.jobs.listBySearch(tenantId, search.id)).filter((job) => job.submitState === "SUBMITTED");
    const order = new Map(search.libraryIds.map((id, i) => [id, i]));
    return jobs.sort((a, b) => (order.get(a.libraryId) ?? 0) - (order.get(b.libraryId) ?? 0));
  }

  /** Jobs oldest first (by creation, then id), a page at a time; the same cursors as the library list. */
  async page(tenantId: string, args: { first?: number | null; after?: string | null; filter?: JobFilter | null }): Promise<JobPageResult> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badInput("first", `first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`);
    }
    const after = args.after ? decodeCursor(args.after) : undefined;
    const filter = args.filter ?? {};
    const page = await this.store.jobs.list(tenantId, filter, first, after);
    return {
      items: page.items,
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== undefined,
      // Counted only when the client asks for totalCount (JobCount rows, never a scan).
      totalCount: () => this.store.jobs.count(tenantId, filter),
    };
  }
}
