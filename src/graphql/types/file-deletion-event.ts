import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { JobStatus } from "../../domain/job.js";
import type { JobEvent } from "../../store/job-ports.js";
import { FingerprintJobStatusEnum } from "../job-enums.js";
import { DateTimeScalar } from "../scalars.js";
import { FileDeletionType } from "./file-deletion.js";

/**
 * A file deletion's end, as FingerprintJobEvent is a job's: the event log's JOB event of a
 * DELETE_FILES row, whose job snapshot is the deletion as it ended (no store read per event).
 */
@ObjectType("FileDeletionEvent", { description: "An MPS file deletion's end: SUCCEEDED or FAILED.", simpleResolvers: true })
export class FileDeletionEventType {
  @Field(() => ID, { description: "Increasing, one sequence with the job and library events; pass the last one you saw as `after` to resume without a gap." })
  eventId!: string;

  @Field(() => FileDeletionType, { description: "The deletion as it was right after the change." })
  deletion!: FileDeletionType;

  @Field(() => FingerprintJobStatusEnum, { description: "The status the deletion changed to." })
  status!: JobStatus;

  @Field(() => FingerprintJobStatusEnum, { nullable: true, description: "The status before the change (QUEUED or RUNNING)." })
  previousStatus!: JobStatus | null;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded the change." })
  occurredAt!: Date;

  static from(event: JobEvent): FileDeletionEventType {
    return Object.assign(new FileDeletionEventType(), {
      eventId: String(event.id),
      deletion: FileDeletionType.from(event.job),
      status: event.status,
      previousStatus: event.previousStatus,
      occurredAt: event.occurredAt,
    });
  }
}

@InputType({ description: "Narrows a file-deletion subscription; every given field must match." })
export class FileDeletionEventFilter {
  @Field(() => [ID], { nullable: true, description: "Only deletions from these libraries (at most 100 ids)." })
  libraryIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Only these deletions (at most 100 ids)." })
  deletionIds?: string[] | null;
}
