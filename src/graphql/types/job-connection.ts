import { Field, ObjectType } from "type-graphql";
import type { FingerprintJob } from "../../domain/job.js";
import { encodeCursor } from "../../services/library-queries.js";
import { PageInfo } from "./connection.js";
import { FingerprintJobType } from "./job.js";

@ObjectType({ description: "A job and its position in the list.", simpleResolvers: true })
export class FingerprintJobEdge {
  constructor(
    private readonly job: Pick<FingerprintJob, "createdAt" | "id">,
    node: FingerprintJobType,
  ) {
    this.node = node;
  }

  @Field({ description: "An opaque position, for `after`." })
  get cursor(): string {
    return encodeCursor(this.job);
  }

  @Field(() => FingerprintJobType, { description: "The job." })
  node: FingerprintJobType;
}

@ObjectType({ description: "A page of jobs, oldest first (by submit, then id), with the total for the filter.", simpleResolvers: true })
export class FingerprintJobConnection {
  @Field(() => [FingerprintJobEdge], { description: "The jobs of this page with their cursors." })
  edges!: FingerprintJobEdge[];

  @Field(() => [FingerprintJobType], { description: "The jobs of this page, without cursors." })
  nodes!: FingerprintJobType[];

  @Field(() => PageInfo, { description: "Where this page sits." })
  pageInfo!: PageInfo;

  /** Resolved by a field resolver so the count query runs only when asked for. */
  totalCountLoader!: () => Promise<number>;
}
