import { Field, Float, ID, InputType } from "type-graphql";
import type { JobMode, JobStatus } from "../../domain/job.js";
import type { FingerprintBackend } from "../../domain/model.js";
import { FingerprintBackendEnum } from "../enums.js";
import { FingerprintJobModeEnum, FingerprintJobStatusEnum } from "../job-enums.js";

@InputType({ description: "An OSS object (Alibaba Cloud OSS, or the emulator's OSS)." })
export class OssObjectInput {
  @Field({ description: "The bucket; it must be in the library's region." })
  bucket!: string;

  @Field({ description: "The object's key." })
  object!: string;

  @Field(() => String, { nullable: true, description: "The bucket's location, e.g. oss-cn-shanghai; defaults to the library's region (and must be it)." })
  location?: string | null;
}

@InputType({ description: "Where a media file is: exactly one of the two." })
export class MediaInput {
  @Field(() => OssObjectInput, { nullable: true, description: "An OSS object." })
  oss?: OssObjectInput | null;

  @Field(() => String, { nullable: true, description: "An ICE media asset id; ICE libraries only." })
  mediaId?: string | null;
}

@InputType({ description: "A fingerprint job to run on one library." })
export class SubmitFingerprintJobInput {
  @Field(() => ID, { description: "The library (ACTIVE, the caller's)." })
  libraryId!: string;

  @Field(() => MediaInput, { description: "The media to fingerprint." })
  media!: MediaInput;

  @Field(() => FingerprintJobModeEnum, { description: "What to do with it." })
  mode!: JobMode;

  @Field(() => String, {
    nullable: true,
    description: "The caller's unique id for this media in the library: 1 to 128 letters, digits and . _ : @ / + = - (no commas). Required unless mode is SEARCH.",
  })
  primaryKey?: string | null;

  @Field(() => String, { nullable: true, description: "Same key + same input = same job (replayed: true), never a second one. 1 to 255 characters." })
  idempotencyKey?: string | null;

  @Field(() => Float, { nullable: true, description: "0..1 (default 0.8): matches below it are dropped, on both backends; MPS's SimilarityThreshold for SEARCH_AND_SAVE_IF_UNIQUE." })
  similarityThreshold?: number | null;

  @Field(() => String, { nullable: true, description: "Up to 128 bytes, kept with the job; on MPS it must start with a letter or digit." })
  userData?: string | null;
}

@InputType({ description: "One media file to search for in several libraries." })
export class SearchDuplicatesInput {
  @Field(() => MediaInput, { description: "The media to search for." })
  media!: MediaInput;

  @Field(() => [ID], { description: "1 to 20 libraries of the media's model (one model), on either backend, ACTIVE, the caller's." })
  libraryIds!: string[];

  @Field(() => String, { nullable: true, description: "Same key + same input = same search (replayed: true), never second jobs. 1 to 255 characters." })
  idempotencyKey?: string | null;
}

@InputType({ description: "Narrows fingerprintJobs; every given field must match." })
export class FingerprintJobFilter {
  @Field(() => ID, { nullable: true, description: "Only jobs of this library." })
  libraryId?: string | null;

  @Field(() => FingerprintJobStatusEnum, { nullable: true, description: "Only jobs in this status." })
  status?: JobStatus | null;

  @Field(() => FingerprintJobModeEnum, { nullable: true, description: "Only jobs of this mode." })
  mode?: JobMode | null;

  @Field(() => FingerprintBackendEnum, { nullable: true, description: "Only jobs on this backend." })
  backend?: FingerprintBackend | null;

  @Field(() => ID, { nullable: true, description: "Only the jobs of this DuplicateSearch." })
  searchId?: string | null;
}
