import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { JobFilter } from "../../store/job-ports.js";
import { encodeCursor } from "../../services/library-queries.js";
import type { JobPageResult } from "../../services/job-queries.js";
import type { GatewayContext } from "../context.js";
import { internalIdFrom } from "../global-id.js";
import { DuplicateSearchType } from "../types/duplicate-search.js";
import { FingerprintJobConnection, FingerprintJobEdge } from "../types/job-connection.js";
import { FingerprintJobFilter } from "../types/job-inputs.js";
import { FingerprintJobType } from "../types/job.js";

@Resolver(() => FingerprintJobConnection)
export class JobQueryResolver {
  @Query(() => FingerprintJobType, { nullable: true, description: "One job; null when there is none (or it is another tenant's)." })
  async fingerprintJob(@Arg("id", () => ID, { description: "The job's id." }) id: string, @Ctx() ctx: GatewayContext): Promise<FingerprintJobType | null> {
    const job = await ctx.loaders.jobById.load(internalIdFrom("FingerprintJob", id));
    return job ? FingerprintJobType.from(job) : null;
  }

  @Query(() => FingerprintJobConnection, { description: "The caller's jobs, oldest first, a page at a time." })
  async fingerprintJobs(
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100; default 20." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page." }) after?: string | null,
    @Arg("filter", () => FingerprintJobFilter, { nullable: true, description: "Only jobs matching every given field." }) filter?: FingerprintJobFilter | null,
  ): Promise<FingerprintJobConnection> {
    return jobConnection(await ctx.services.jobQueries.page(ctx.tenantId, { first, after, filter: filter ? jobFilter(filter) : null }));
  }

  @Query(() => DuplicateSearchType, { nullable: true, description: "One duplicate search; null when there is none (or it is another tenant's)." })
  async duplicateSearch(@Arg("id", () => ID, { description: "The search's id." }) id: string, @Ctx() ctx: GatewayContext): Promise<DuplicateSearchType | null> {
    const search = await ctx.loaders.searchById.load(internalIdFrom("DuplicateSearch", id));
    return search ? DuplicateSearchType.from(search) : null;
  }

  @FieldResolver(() => Int, { description: "How many jobs match the filter, over all pages." })
  totalCount(@Root() connection: FingerprintJobConnection): Promise<number> {
    return connection.totalCountLoader();
  }
}

/** One page of jobs as a Relay connection (fingerprintJobs and FingerprintLibrary.jobs). */
export function jobConnection(page: JobPageResult): FingerprintJobConnection {
  const nodes = page.items.map((job) => FingerprintJobType.from(job));
  const first = page.items[0];
  const last = page.items.at(-1);
  return Object.assign(new FingerprintJobConnection(), {
    edges: page.items.map((job, i) => new FingerprintJobEdge(job, nodes[i]!)),
    nodes,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: first ? encodeCursor(first) : null,
      endCursor: last ? encodeCursor(last) : null,
    },
    totalCountLoader: page.totalCount,
  });
}

/** The GraphQL filter in the store's terms: global ids made internal, explicit nulls dropped. */
function jobFilter(filter: FingerprintJobFilter): JobFilter {
  const out: JobFilter = {};
  if (filter.libraryId) out.libraryId = internalIdFrom("FingerprintLibrary", filter.libraryId, "filter.libraryId");
  if (filter.searchId) out.searchId = internalIdFrom("DuplicateSearch", filter.searchId, "filter.searchId");
  if (filter.status) out.status = filter.status;
  if (filter.mode) out.mode = filter.mode;
  if (filter.backend) out.backend = filter.backend;
  return out;
}
