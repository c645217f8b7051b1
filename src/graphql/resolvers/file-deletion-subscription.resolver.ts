import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { FINISHED_JOB_STATUSES } from "../../domain/job.js";
import type { JobEvent } from "../../store/job-ports.js";
import type { JobEventFilter as StoreJobEventFilter } from "../../store/ports.js";
import type { GatewayContext } from "../context.js";
import { filterIds, parseAfter } from "../event-arguments.js";
import { FileDeletionEventFilter, FileDeletionEventType } from "../types/file-deletion-event.js";

interface SubscriptionArgs {
  filter?: FileDeletionEventFilter | null;
  after?: string | null;
}

/**
 * fileDeletionFinished: the ends of MPS file deletions, pushed instead of polled with
 * fileDeletion(id). The same one pipeline as fingerprintJobFinished (the event log's JOB
 * events, the relay, Redis across instances), with the other job kind.
 */
@Resolver()
export class FileDeletionSubscriptionResolver {
  @Subscription(() => FileDeletionEventType, {
    description:
      "Fires when an MPS file deletion (one of deleteFingerprintFiles' `deletions`) ends: SUCCEEDED or FAILED. " +
      "ICE deletes at once and makes no deletion, so an ICE delete fires nothing: its answer is already SUCCEEDED. " +
      "With `after`, first replays stored events after that eventId.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, GatewayContext>) =>
      context.events.stream(context.tenantId, toStoreFilter(args.filter), parseAfter(args.after)),
  })
  fileDeletionFinished(
    @Root() event: JobEvent,
    @Arg("filter", () => FileDeletionEventFilter, { nullable: true, description: "Only matching deletions." }) _filter?: FileDeletionEventFilter | null,
    @Arg("after", () => ID, { nullable: true, description: "Replay the stored events after this eventId first, then continue live." })
    _after?: string | null,
  ): FileDeletionEventType {
    return FileDeletionEventType.from(event);
  }
}

/** A deletion is a DELETE_FILES job row: its id is the job id, so deletionIds narrow on jobIds. */
function toStoreFilter(filter: FileDeletionEventFilter | null | undefined): StoreJobEventFilter {
  const libraryIds = filterIds(filter?.libraryIds, "FingerprintLibrary", "filter.libraryIds");
  const jobIds = filterIds(filter?.deletionIds, "FileDeletion", "filter.deletionIds");
  return {
    kind: "JOB",
    statuses: FINISHED_JOB_STATUSES,
    jobKinds: ["DELETE_FILES"],
    ...(libraryIds ? { libraryIds } : {}),
    ...(jobIds ? { jobIds } : {}),
  };
}
