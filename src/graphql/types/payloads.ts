import { Field, ObjectType } from "type-graphql";
import type { FingerprintBackend } from "../../domain/model.js";
import type { RoutingReason } from "../../domain/routing.js";
import { FingerprintBackendEnum, RoutingReasonEnum } from "../enums.js";
import { FingerprintLibraryType } from "./library.js";

@ObjectType({ description: "Where createFingerprintLibrary put the library, and why.", simpleResolvers: true })
export class LibraryRouting {
  @Field(() => FingerprintBackendEnum, { description: "The backend that hosts the library (the same as library.backend)." })
  backend!: FingerprintBackend;

  @Field(() => RoutingReasonEnum, { description: "Why that backend: QUOTA_FALLBACK when the model's usual backend was out of quota." })
  reason!: RoutingReason;

  @Field({ description: "The same in a sentence, e.g. \"VIDEO libraries go to ICE, but ICE's library quota for this account was used up, so this one was created on MPS.\"" })
  explanation!: string;
}

@ObjectType({ description: "The result of createFingerprintLibrary.", simpleResolvers: true })
export class CreateFingerprintLibraryPayload {
  @Field(() => FingerprintLibraryType, { description: "The library, new or replayed." })
  library!: FingerprintLibraryType;

  @Field({ description: "True when an earlier call with this idempotencyKey made the library and this call only answered it." })
  replayed!: boolean;

  @Field(() => LibraryRouting, { description: "Why the library is on its backend; says so when a quota fallback moved it." })
  routing!: LibraryRouting;
}

@ObjectType({ description: "The result of deleteFingerprintLibrary.", simpleResolvers: true })
export class DeleteFingerprintLibraryPayload {
  @Field(() => FingerprintLibraryType, { description: "The library: DELETED (ICE) or DELETING until the MPS delete job finishes." })
  library!: FingerprintLibraryType;
}
