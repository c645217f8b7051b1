/**
 * The fields of jobs and searches that are read through the request's DataLoaders (a job's
 * library, a search's jobs), and FingerprintLibrary.jobs.
 */
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { GatewayError } from "../../domain/errors.js";
import type { JobStatus } from "../../domain/job.js";
import { rankLibraryMatches, searchStatus } from "../../domain/duplicate-search-result.js";
import type { GatewayContext } from "../context.js";
import { fromGlobalId } from "../global-id.js";
import { FingerprintJobStatusEnum } from "../job-enums.js";
import { DuplicateSearchType, LibraryMatchType } from "../types/duplicate-search.js";
import { FingerprintJobConnection } from "../types/job-connection.js";
import { FingerprintJobType } from "../types/job.js";
import { FingerprintLibraryType } from "../types/library.js";
import { jobConnection } from "./job-query.resolver.js";

export async function loadLibrary(ctx: GatewayContext, libraryId: string): Promise<FingerprintLibraryType> {
  const library = await ctx.loaders.libraryById.load(libraryId);
  // Registry rows are never removed (a deleted library stays DELETED), so this is a fault, not a client error.
  if (!library) throw new GatewayError("BACKEND_ERROR", "A job's library is missing from the registry; this has been logged.", { reason: "INTERNAL" });
  return FingerprintLibraryType.from(library);
}

@Resolver(() => FingerprintJobType)
export class FingerprintJobFieldsResolver {
  @FieldResolver(() => FingerprintLibraryType, { description: "The library the job ran on." })
  library(@Root() job: FingerprintJobType, @Ctx() ctx: GatewayContext): Promise<FingerprintLibraryType> {
    return loadLibrary(ctx, job.job.libraryId);
  }
}

@Resolver(() => DuplicateSearchType)
export class DuplicateSearchFieldsResolver {
  @FieldResolver(() => FingerprintJobStatusEnum, {
    description: "SUCCEEDED once every library's job has; FAILED if any failed (the others' matches still listed); else RUNNING or QUEUED.",
  })
  async status(@Root() search: DuplicateSearchType, @Ctx() ctx: GatewayContext): Promise<JobStatus> {
    return searchStatus(await ctx.loaders.jobsOfSearch.load(search.search), search.search.libraryIds.length);
  }

  @FieldResolver(() => [FingerprintJobType], { description: "One SEARCH job per library, in the order the libraries were given." })
  async jobs(@Root() search: DuplicateSearchType, @Ctx() ctx: GatewayContext): Promise<FingerprintJobType[]> {
    return (await ctx.loaders.jobsOfSearch.load(search.search)).map((job) => FingerprintJobType.from(job));
  }

  @FieldResolver(() => [LibraryMatchType], { description: "Every library's matches, most similar first." })
  async matches(@Root() search: DuplicateSearchType, @Ctx() ctx: GatewayContext): Promise<LibraryMatchType[]> {
    return rankLibraryMatches(await ctx.loaders.jobsOfSearch.load(search.search)).map((m) => Object.assign(new LibraryMatchType(), m));
  }

  @FieldResolver(() => [FingerprintLibraryType], { description: "The libraries searched, in the order given." })
  async libraries(@Root() search: DuplicateSearchType, @Ctx() ctx: GatewayContext): Promise<FingerprintLibraryType[]> {
    return Promise.all(search.search.libraryIds.map((id) => loadLibrary(ctx, id)));
  }
}

@Resolver(() => LibraryMatchType)
export class LibraryMatchFieldsResolver {
  @FieldResolver(() => FingerprintLibraryType, { description: "The library the match is stored in." })
  library(@Root() match: LibraryMatchType, @Ctx() ctx: GatewayContext): Promise<FingerprintLibraryType> {
    return loadLibrary(ctx, match.libraryId);
  }
}

@Resolver(() => FingerprintLibraryType)
export class LibraryJobsResolver {
  @FieldResolver(() => FingerprintJobConnection, { description: "The library's jobs, oldest first, a page at a time." })
  async jobs(
    @Root() library: FingerprintLibraryType,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100; default 20." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page." }) after?: string | null,
  ): Promise<FingerprintJobConnection> {
    const libraryId = fromGlobalId(library.id)!.id;
    return jobConnection(await ctx.services.jobQueries.page(ctx.tenantId, { first, after, filter: { libraryId } }));
  }
}
