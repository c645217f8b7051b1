import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { JOB_STATUSES, type FingerprintJob, type JobStatus } from "../../domain/job.js";
import type { FingerprintBackend } from "../../domain/model.js";
import type { JobEvent } from "../../store/job-ports.js";
import { FingerprintBackendEnum } from "../enums.js";
import { toGlobalId } from "../global-id.js";
import { DateTimeScalar } from "../scalars.js";

// --- Until the jobs API's own GraphQL types (FingerprintJob, FingerprintJobStatus) are on this
// --- branch: the fields of the contract's FingerprintJob that need no other type. At merge,
// --- this section goes and the job field uses the jobs API's FingerprintJob type.

export const FingerprintJobStatusEnum = Object.fromEntries(JOB_STATUSES.map((s) => [s, s])) as { [K in JobStatus]: K };
registerEnumType(FingerprintJobStatusEnum, {
  name: "FingerprintJobStatus",
  description: "One job status for both backends (Queuing, Analysing, Success, Fail, and ICE's cancel).",
});

@ObjectType("FingerprintJob", { description: "A fingerprint job: media saved to and/or searched in a library.", simpleResolvers: true })
export class FingerprintJobType {
  @Field(() => ID)
  id!: string;

  @Field(() => FingerprintBackendEnum)
  backend!: FingerprintBackend;

  @Field({ description: "The backend's job id." })
  backendJobId!: string;

  @Field()
  primaryKey!: string;

  @Field(() => FingerprintJobStatusEnum)
  status!: JobStatus;

  @Field({ description: "The backend's own word, as last seen." })
  rawStatus!: string;

  @Field(() => String, { nullable: true, description: "The backend's Code when FAILED." })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  static from(job: FingerprintJob): FingerprintJobType {
    return Object.assign(new FingerprintJobType(), {
      id: toGlobalId("FingerprintJob", job.id),
      backend: job.backend,
      backendJobId: job.backendJobId ?? "",
      primaryKey: job.primaryKey,
      status: job.status,
      rawStatus: job.rawStatus,
      errorCode: job.errorCode,
      errorMessage: job.errorMessage,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    });
  }
}

// --- The event type and its filter (this file's own subject).

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
