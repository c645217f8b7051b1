import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { internalIdFrom } from "../global-id.js";
import { FingerprintJobType } from "../types/job.js";

@Resolver()
export class JobCancelResolver {
  @Mutation(() => FingerprintJobType, {
    description: "Cancels a job that has not started (ICE CancelDNAJob, QUEUED jobs only; MPS has no cancel: UNSUPPORTED_OPERATION).",
  })
  async cancelFingerprintJob(
    @Arg("id", () => ID, { description: "The job's id." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<FingerprintJobType> {
    return FingerprintJobType.from(await ctx.services.jobCancel.cancel(ctx.tenantId, internalIdFrom("FingerprintJob", id)));
  }
}
