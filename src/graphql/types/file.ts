import { Field, ObjectType } from "type-graphql";
import type { JobStatus } from "../../domain/job.js";
import type { FileEdge } from "../../services/file-listing.js";
import { FingerprintJobStatusEnum } from "../job-enums.js";
import { DateTimeScalar } from "../scalars.js";
import { PageInfo } from "./connection.js";
import { FileDeletionType } from "./file-deletion.js";
import { FingerprintLibraryType } from "./library.js";

@ObjectType("FingerprintFile", {
  description: "Media stored in a library (ICE ListDNAFiles, MPS ListFpShotFiles).",
  simpleResolvers: true,
})
export class FingerprintFileType {
  @Field({ description: "The key it was stored under: the primaryKey of the job that saved it." })
  primaryKey!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the backend stored it (MPS StoreTime); null on ICE, which lists no time." })
  storedAt!: Date | null;
}

@ObjectType({ description: "A stored file and its position in the library's listing.", simpleResolvers: true })
export class FingerprintFileEdge {
  @Field({ description: "An opaque position, for `after`; valid for this library only." })
  cursor!: string;

  @Field(() => FingerprintFileType, { description: "The file." })
  node!: FingerprintFileType;

  static from(edge: FileEdge): FingerprintFileEdge {
    return Object.assign(new FingerprintFileEdge(), { cursor: edge.cursor, node: Object.assign(new FingerprintFileType(), edge.file) });
  }
}

@ObjectType({
  description: "A page of a library's stored files, in the backend's order; the backend's page tokens are behind the cursors.",
  simpleResolvers: true,
})
export class FingerprintFileConnection {
  @Field(() => [FingerprintFileEdge], { description: "The files of this page with their cursors." })
  edges!: FingerprintFileEdge[];

  @Field(() => [FingerprintFileType], { description: "The files of this page, without cursors." })
  nodes!: FingerprintFileType[];

  @Field(() => PageInfo, { description: "Where this page sits." })
  pageInfo!: PageInfo;
}

@ObjectType({ description: "The result of deleteFingerprintFiles.", simpleResolvers: true })
export class DeleteFingerprintFilesPayload {
  @Field(() => FingerprintLibraryType, { description: "The library the files were deleted from." })
  library!: FingerprintLibraryType;

  @Field(() => [String], { description: "The distinct keys deleted (ICE) or being deleted (MPS), in the order given." })
  primaryKeys!: string[];

  @Field(() => FingerprintJobStatusEnum, {
    description:
      "SUCCEEDED at once on ICE; on MPS QUEUED (then RUNNING) until its delete jobs end: follow them through `deletions`.",
  })
  status!: JobStatus;

  @Field(() => [FileDeletionType], {
    description:
      "MPS: one FileDeletion per delete job (200 keys each), in key order; read one again (fileDeletion or node) to see it SUCCEEDED or FAILED. ICE: empty, the files are already gone.",
  })
  deletions!: FileDeletionType[];
}
