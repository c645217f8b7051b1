import { Field, ObjectType } from "type-graphql";
import { DuplicateSearchType } from "./duplicate-search.js";
import { FingerprintJobType } from "./job.js";

@ObjectType({ description: "The result of submitFingerprintJob.", simpleResolvers: true })
export class SubmitFingerprintJobPayload {
  @Field(() => FingerprintJobType, { description: "The job, new or replayed." })
  job!: FingerprintJobType;

  @Field({ description: "True when an earlier call with this idempotencyKey made the job and this call only answered it." })
  replayed!: boolean;
}

@ObjectType({ description: "The result of searchDuplicates.", simpleResolvers: true })
export class SearchDuplicatesPayload {
  @Field(() => DuplicateSearchType, { description: "The search, new or replayed." })
  search!: DuplicateSearchType;

  @Field({ description: "True when an earlier call with this idempotencyKey made the search and this call only answered it." })
  replayed!: boolean;
}
