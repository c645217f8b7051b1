import { jobFailureCode } from "../../domain/job-failure.js";
import { Directive, Field, Float, ID, ObjectType } from "type-graphql";
import type { FingerprintJob, JobMode, JobStatus } from "../../domain/job.js";
import type { FingerprintBackend } from "../../domain/model.js";
import { FingerprintBackendEnum } from "../enums.js";
import { toGlobalId } from "../global-id.js";
import { FingerprintJobModeEnum, FingerprintJobStatusEnum } from "../job-enums.js";
import { DateTimeScalar } from "../scalars.js";
import { Node } from "./node.js";

@ObjectType("MatchSegment", { description: "Where the copy is: seconds for audio and video, characters for text.", simpleResolvers: true })
export class MatchSegmentType {
  @Field(() => Float, { description: "Start in the job's media." })
  inputStart!: number;

  @Field(() => Float, { description: "End in the job's media." })
  inputEnd!: number;

  @Field(() => Float, { description: "Start in the stored media." })
  matchStart!: number;

  @Field(() => Float, { description: "End in the stored media." })
  matchEnd!: number;
}

@ObjectType("FingerprintMatch", {
  description: "A stored media file that the job's media duplicates, normalized from ICE's DNA result and MPS's FpShotResult.",
  simpleResolvers: true,
})
export class FingerprintMatchType {
  @Field({ description: "The stored media's primary key in the library." })
  primaryKey!: string;

  @Field(() => Float, { description: "0..1; 1 is identical." })
  similarity!: number;

  @Field(() => [MatchSegmentType], { description: "Where the copy is; empty for images." })
  segments!: MatchSegmentType[];
}

// An Apollo Federation entity: other subgraphs refer to a job by its id.
@Directive('@key(fields: "id")')
@ObjectType("FingerprintJob", {
  implements: Node,
  description: "A fingerprint job: media put into a library (SAVE), searched against it (SEARCH), or both.",
})
export class FingerprintJobType implements Node {
  /** For Node's resolveType. */
  readonly nodeType = "FingerprintJob";

  /** The store's job, for the field resolvers (library through the request's DataLoader). */
  job!: FingerprintJob;

  @Field(() => ID, { description: "The gateway's own opaque id." })
  id!: string;

  // `library` is resolved in job-fields.resolver.ts through the per-request library DataLoader.

  @Field(() => FingerprintBackendEnum, { description: "The service running the job (the library's)." })
  backend!: FingerprintBackend;

  @Field({ description: "The backend's job id: ICE JobId or MPS JobId." })
  backendJobId!: string;

  @Field(() => FingerprintJobModeEnum, { description: "What the job does with the media." })
  mode!: JobMode;

  @Field({ description: "The media's key in the library (generated for a SEARCH without one)." })
  primaryKey!: string;

  @Field(() => FingerprintJobStatusEnum, { description: "The normalized status." })
  status!: JobStatus;

  @Field({ description: "The backend's own status word, as last seen (empty before the first read)." })
  rawStatus!: string;

  @Field(() => String, { nullable: true, description: "The backend's Code when FAILED (or the gateway's, e.g. JOB_NOT_FOUND_ON_BACKEND, JOB_STUCK, RESULT_UNREACHABLE)." })
  errorCode!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why it FAILED, as one of the gateway's error codes (the same on both services): MEDIA_NOT_FOUND (the input could not be read: no such bucket, object or media id, or not readable from the library's region), BAD_USER_INPUT (the file is not media of the library's kind), BACKEND_ERROR (anything else; see errorCode). Null unless FAILED.",
  })
  failureCode!: string | null;

  @Field(() => String, { nullable: true, description: "What went wrong, when FAILED." })
  errorMessage!: string | null;

  @Field(() => [FingerprintMatchType], { description: "Most similar first, at or above similarityThreshold; empty until SUCCEEDED, always empty for SAVE." })
  matches!: FingerprintMatchType[];

  @Field(() => Float, { description: "The threshold the matches were filtered with (0..1)." })
  similarityThreshold!: number;

  @Field(() => String, { nullable: true, description: "The userData given at submit." })
  userData!: string | null;

  @Field(() => ID, { nullable: true, description: "The DuplicateSearch this job belongs to, if any." })
  searchId!: string | null;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded the submit." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When the gateway last changed its record." })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the job ended (SUCCEEDED, FAILED or CANCELED)." })
  finishedAt!: Date | null;

  static from(job: FingerprintJob): FingerprintJobType {
    return Object.assign(new FingerprintJobType(), {
      job,
      id: toGlobalId("FingerprintJob", job.id),
      backend: job.backend,
      backendJobId: job.backendJobId ?? "",
      mode: job.mode,
      primaryKey: job.primaryKey,
      status: job.status,
      rawStatus: job.rawStatus,
      errorCode: job.errorCode,
      failureCode: jobFailureCode(job),
      errorMessage: job.errorMessage,
      matches: job.matches,
      similarityThreshold: job.similarityThreshold,
      userData: job.userData,
      searchId: job.searchId === null ? null : toGlobalId("DuplicateSearch", job.searchId),
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      finishedAt: job.finishedAt,
    });
  }
}
