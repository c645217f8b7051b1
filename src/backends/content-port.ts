/**
 * The content half of the Backend port: putting media into a library, searching it, reading
 * job results, listing and deleting stored media. Same rule as port.ts: only the adapters
 * (ice-content.ts, mps-content.ts) know the wire names.
 */
import type { FingerprintModel } from "../domain/model.js";
import type { FingerprintMatch, JobStatus } from "../domain/job.js";

/** Where the media is: an OSS object (both services) or an ICE media asset id. */
export type JobMedia =
  | { kind: "oss"; bucket: string; object: string; /** `oss-cn-shanghai` style. */ location: string }
  | { kind: "mediaId"; mediaId: string };

export interface BackendJobRequest {
  backendLibraryId: string;
  model: FingerprintModel;
  media: JobMedia;
  saveType: "onlysave" | "nosave" | "forcesave" | "save";
  primaryKey: string;
  /** MPS only (its SimilarityThreshold for `save`); ICE takes none. */
  similarityThreshold: number | null;
  userData: string | null;
}

/** Where a finished job's matches are: inline (MPS) or behind a URL to fetch (ICE's DNAResult). */
export type BackendJobResult = { kind: "inline"; matches: FingerprintMatch[] } | { kind: "url"; url: string } | { kind: "none" };

export interface BackendJobState {
  backendJobId: string;
  status: JobStatus;
  rawStatus: string;
  /** The backend's Code and Message of a failed job (never secrets: they describe the job). */
  errorCode: string | null;
  errorMessage: string | null;
  finishedAt: Date | null;
  result: BackendJobResult;
}

export interface BackendJobLookup {
  found: BackendJobState[];
  missing: string[];
}

export interface BackendFile {
  primaryKey: string;
  storedAt: Date | null;
}

export interface BackendFilePage {
  files: BackendFile[];
  /** The backend's page token, or null on the last page. */
  nextToken: string | null;
}

/** ICE deletes at once; MPS submits a job that the watcher follows. */
export type BackendFileDeleteResult = { kind: "deleted" } | { kind: "job"; jobId: string };

export interface FileDeleteJobState {
  jobId: string;
  status: JobStatus;
  rawStatus: string;
  /** The backend's Code of a failed job. */
  code?: string | null;
  message: string | null;
}

/** A job found by its creation time (see BackendContent.listJobsCreatedBetween). */
export interface ListedBackendJob {
  backendJobId: string;
  backendLibraryId: string;
  primaryKey: string;
  saveType: string;
}

export interface BackendContent {
  submitJob(region: string, request: BackendJobRequest): Promise<{ backendJobId: string }>;
  /**
   * The account's jobs created in [from, to], to find a submit whose answer was lost (the
   * job id never arrived). MPS: QueryFpShotJobList by creation-time range. ICE: null, since
   * QueryDNAJobList takes ids only and has no time or state filter.
   */
  listJobsCreatedBetween(region: string, from: Date, to: Date): Promise<ListedBackendJob[] | null>;
  /** At most MAX_IDS_PER_LIST_CALL ids per call; callers batch. */
  queryJobs(region: string, backendJobIds: readonly string[]): Promise<BackendJobLookup>;
  /** ICE: CancelDNAJob (Queuing only). MPS has none: UNSUPPORTED_OPERATION. */
  cancelJob(region: string, backendJobId: string): Promise<void>;
  listFiles(region: string, backendLibraryId: string, pageSize: number, token: string | null): Promise<BackendFilePage>;
  /** At most maxDeleteKeys keys per call; callers chunk. */
  deleteFiles(region: string, backendLibraryId: string, primaryKeys: readonly string[]): Promise<BackendFileDeleteResult>;
  fileDeleteJobs(region: string, jobIds: readonly string[]): Promise<FileDeleteJobState[]>;
  /** ICE 50 (DeleteDNAFiles), MPS 200 (SubmitFpFileDeleteJob). */
  readonly maxDeleteKeys: number;
  /** ICE 100 (ListDNAFiles PageSize), MPS: none documented, 100 assumed. */
  readonly maxFilePageSize: number;
}
