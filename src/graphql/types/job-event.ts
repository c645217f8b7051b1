import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { JobStatus } from "../../domain/job.js";
import type { JobEvent } from "../../store/job-ports.js";
import { FingerprintJobStatusEnum } from "../job-enums.js";
import { DateTimeScalar } from "../scalars.js";
import { FingerprintJobType } from "./job.js";

@ObjectType("FingerprintJobEvent", { description: "A job's end: SUCCEEDED, FAILED or CANCELED.", simpleResolvers: true })
export class FingerprintJobEventType {
  @Field(() => ID, { description: "Increasing, one sequence with library events; pass the last one you saw as `after` to resume without a gap." })
  eventId!: string;

  @Field(() => FingerprintJobType, { description: "The job as it was right after the change." })
  job!: FingerprintJobType;

  @Field(() => FingerprintJobStatusEnum, { description: "The status the job changed to." })
  status!: JobStatus;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded the change." })
  occurredAt!: Date;

  static from(event: JobEvent): FingerprintJobEventType {
    return Object.assign(new FingerprintJobEventType(), {
      eventId: String(event.id),
      job: FingerprintJobType.from(event.job),
      status: event.status,
      occurredAt: event.occurredAt,
    });
  }
}

@InputType({ description: "Narrows a job subscription; every given field must match." })
export class JobEventFilter {
  @Field(() => [ID], { nullable: true, description: "Only jobs in these libraries (at most 100 ids)." })
  libraryIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Only these jobs (at most 100 ids)." })
  jobIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Only the jobs of these duplicate searches (at most 100 ids)." })
  searchIds?: string[] | null;
}
