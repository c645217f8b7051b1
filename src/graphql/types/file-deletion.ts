import { Field, ID, ObjectType } from "type-graphql";
import type { FingerprintJob, JobStatus } from "../../domain/job.js";
import { toGlobalId } from "../global-id.js";
import { FingerprintJobStatusEnum } from "../job-enums.js";
import { DateTimeScalar } from "../scalars.js";
import { Node } from "./node.js";

// `library` is resolved in file-deletion.resolver.ts through the per-request library DataLoader.
@ObjectType("FileDeletion", {
  implements: Node,
  description:
    "One MPS file-delete job (SubmitFpFileDeleteJob, at most 200 keys) that deleteFingerprintFiles submitted. " +
    "The gateway follows it to its end: subscribe to fileDeletionFinished (or read it again with fileDeletion or node) to learn when the files are gone. ICE deletes at once and makes none.",
})
export class FileDeletionType implements Node {
  /** For Node's resolveType. */
  readonly nodeType = "FileDeletion";

  /** The store's DELETE_FILES row, for the field resolvers. */
  job!: FingerprintJob;

  @Field(() => ID, { description: "The gateway's own opaque id." })
  id!: string;

  @Field(() => [String], { description: "The keys this delete job removes, in the order given." })
  primaryKeys!: string[];

  @Field(() => FingerprintJobStatusEnum, {
    description: "QUEUED or RUNNING while MPS works; SUCCEEDED once the keys are deleted, FAILED if the job failed (see errorCode).",
  })
  status!: JobStatus;

  @Field({ description: "MPS's own status word, as last seen (empty before the first read)." })
  rawStatus!: string;

  @Field(() => String, { nullable: true, description: "MPS's Code when FAILED (or the gateway's, e.g. JOB_NOT_FOUND_ON_BACKEND, JOB_STUCK)." })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "What went wrong, when FAILED." })
  errorMessage!: string | null;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded the delete." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the job ended (SUCCEEDED or FAILED), as the gateway saw it." })
  finishedAt!: Date | null;

  static from(job: FingerprintJob): FileDeletionType {
    return Object.assign(new FileDeletionType(), {
      job,
      id: toGlobalId("FileDeletion", job.id),
      primaryKeys: job.primaryKeys,
      status: job.status,
      rawStatus: job.rawStatus,
      errorCode: job.errorCode,
      errorMessage: job.errorMessage,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
    });
  }
}
