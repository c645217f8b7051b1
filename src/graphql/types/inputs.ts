import { Field, InputType } from "type-graphql";
import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "../../domain/model.js";
import { FingerprintBackendEnum, FingerprintModelEnum, LibraryStatusEnum } from "../enums.js";
import { JSONScalar } from "../scalars.js";

@InputType({ description: "What a new library should be. The gateway picks the backend unless `backend` is given." })
export class CreateFingerprintLibraryInput {
  @Field({ description: "Its name: 1 to 128 characters after trimming." })
  name!: string;

  @Field(() => FingerprintModelEnum, { description: "Which media it fingerprints; decides the backend under the routing policy." })
  model!: FingerprintModel;

  @Field(() => String, { nullable: true, description: "Up to 1,024 characters." })
  description?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: "MPS Config: a JSON object (up to 4 KiB), passed to MPS as its Config string; refused for ICE." })
  config?: unknown;

  @Field(() => String, { nullable: true, description: "The Alibaba Cloud region; defaults to the gateway's DEFAULT_REGION. TEXT exists only in cn-shanghai." })
  region?: string | null;

  @Field(() => FingerprintBackendEnum, { nullable: true, description: "Forces a backend (no fallback); otherwise the routing policy decides." })
  backend?: FingerprintBackend | null;

  @Field(() => String, {
    nullable: true,
    description: "Same key + same input = same library (answered with replayed: true), never a second one. 1 to 255 characters.",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "Narrows fingerprintLibraries; every given field must match." })
export class FingerprintLibraryFilter {
  @Field(() => FingerprintBackendEnum, { nullable: true, description: "Only libraries on this backend." })
  backend?: FingerprintBackend | null;

  @Field(() => FingerprintModelEnum, { nullable: true, description: "Only libraries of this model." })
  model?: FingerprintModel | null;

  @Field(() => LibraryStatusEnum, { nullable: true, description: "Only libraries in this status." })
  status?: LibraryStatus | null;

  @Field(() => String, { nullable: true, description: "Only libraries in this region." })
  region?: string | null;

  @Field(() => String, { nullable: true, description: "Only libraries whose name contains this text, ignoring case." })
  nameContains?: string | null;
}
