import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { internalIdFrom } from "../global-id.js";
import { DuplicateSearchType } from "../types/duplicate-search.js";
import { SearchDuplicatesInput, SubmitFingerprintJobInput } from "../types/job-inputs.js";
import { SearchDuplicatesPayload, SubmitFingerprintJobPayload } from "../types/job-payloads.js";
import { FingerprintJobType } from "../types/job.js";

@Resolver()
export class JobMutationResolver {
  @Mutation(() => SubmitFingerprintJobPayload, {
    description: "Runs a fingerprint job (save and/or search) on an ACTIVE library. Idempotent by key; a retry never makes a second backend job.",
  })
  async submitFingerprintJob(
    @Arg("input", () => SubmitFingerprintJobInput, { description: "What to run." }) input: SubmitFingerprintJobInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<SubmitFingerprintJobPayload> {
    const { libraryId, ...request } = input;
    const { job, replayed } = await ctx.services.jobs.submit(ctx.tenantId, internalIdFrom("FingerprintLibrary", libraryId, "libraryId"), request);
    return { job: FingerprintJobType.from(job), replayed };
  }

  @Mutation(() => SearchDuplicatesPayload, {
    description: "Searches 1 to 20 libraries of one model (either backend) for copies of one media file: one SEARCH job per library, one DuplicateSearch over them.",
  })
  async searchDuplicates(
    @Arg("input", () => SearchDuplicatesInput, { description: "What to search for, and where." }) input: SearchDuplicatesInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<SearchDuplicatesPayload> {
    const libraryIds = input.libraryIds.map((id, i) => internalIdFrom("FingerprintLibrary", id, `libraryIds[${i}]`));
    const { search, replayed } = await ctx.services.searches.execute(ctx.tenantId, { media: input.media, libraryIds, idempotencyKey: input.idempotencyKey });
    return { search: DuplicateSearchType.from(search), replayed };
  }
}
