import { Field, ObjectType } from "type-graphql";
import { FingerprintLibraryType } from "./library.js";

@ObjectType({ description: "The result of createFingerprintLibrary.", simpleResolvers: true })
export class CreateFingerprintLibraryPayload {
  @Field(() => FingerprintLibraryType, { description: "The library, new or replayed." })
  library!: FingerprintLibraryType;

  @Field({ description: "True when an earlier call with this idempotencyKey made the library and this call only answered it." })
  replayed!: boolean;
}

@ObjectType({ description: "The result of deleteFingerprintLibrary.", simpleResolvers: true })
export class DeleteFingerprintLibraryPayload {
  @Field(() => FingerprintLibraryType, { description: "The library: DELETED (ICE) or DELETING until the MPS delete job finishes." })
  library!: FingerprintLibraryType;
}
