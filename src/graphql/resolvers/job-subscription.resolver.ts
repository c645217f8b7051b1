import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { FINISHED_JOB_STATUSES } from "../../domain/job.js";
import type { JobEvent } from "../../store/job-ports.js";
import type { JobEventFilter as StoreJobEventFilter } from "../../store/ports.js";
import type { GatewayContext } from "../context.js";
import { filterIds, parseAfter } from "../event-arguments.js";
import { FingerprintJobEventType, JobEventFilter } from "../types/job-event.js";

interface SubscriptionArgs {
  filter?: JobEventFilter | null;
  after?: string | null;
}

@Resolver()
export class JobSubscriptionResolver {
  @Subscription(() => FingerprintJobEventType, {
    description: "Fires when a job ends (SUCCEEDED, FAILED or CANCELED). With `after`, first replays stored events after that eventId.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, GatewayContext>) =>
      context.events.stream(context.tenantId, toStoreFilter(args.filter), parseAfter(args.after)),
  })
  fingerprintJobFinished(
    @Root() event: JobEvent,
    @Arg("filter", () => JobEventFilter, { nullable: true, description: "Only matching jobs." }) _filter?: JobEventFilter | null,
    @Arg("after", () => ID, { nullable: true, description: "Replay the stored events after this eventId first, then continue live." })
    _after?: string | null,
  ): FingerprintJobEventType {
    return FingerprintJobEventType.from(event);
  }
}

/** Ends of fingerprint jobs only: a file-deletion job is not a FingerprintJob; fileDeletionFinished announces its end. */
function toStoreFilter(filter: JobEventFilter | null | undefined): StoreJobEventFilter {
  const libraryIds = filterIds(filter?.libraryIds, "FingerprintLibrary", "filter.libraryIds");
  const jobIds = filterIds(filter?.jobIds, "FingerprintJob", "filter.jobIds");
  const searchIds = filterIds(filter?.searchIds, "DuplicateSearch", "filter.searchIds");
  return {
    kind: "JOB",
    statuses: FINISHED_JOB_STATUSES,
    jobKinds: ["FINGERPRINT"],
    ...(libraryIds ? { libraryIds } : {}),
    ...(jobIds ? { jobIds } : {}),
    ...(searchIds ? { searchIds } : {}),
  };
}
