/**
 * What the job services need from persistence (the job half of ports.ts). Same rules as the
 * library ports: services see only these interfaces; tests run them on real SQLite and
 * PostgreSQL.
 *
 * A job row is its own submit intent: written PENDING before the backend is called, so a
 * crash between the backend's answer and our write is recoverable, and an idempotency key
 * maps to exactly one backend job however often the client retries.
 */
import type { DuplicateSearch, FingerprintJob, JobMode, JobStatus, SubmitState } from "../domain/job.js";
import type { FingerprintMatch } from "../domain/job.js";
import type { FingerprintBackend } from "../domain/model.js";
import type { Library } from "../domain/library.js";

export interface JobFilter {
  libraryId?: string;
  status?: JobStatus;
  mode?: JobMode;
  backend?: FingerprintBackend;
  searchId?: string;
}

/** Keyset position: jobs are ordered by (createdAt, id), both ascending. */
export interface JobCursor {
  createdAt: Date;
  id: string;
}

export interface JobPage {
  items: FingerprintJob[];
  hasNextPage: boolean;
}

/** What the service writes before calling the backend: the job's own input; the store adds the rest. */
export type NewJob = Pick<
  FingerprintJob,
  "tenantId" | "kind" | "mode" | "primaryKey" | "media" | "similarityThreshold" | "userData" | "searchId" | "idempotencyKey" | "inputHash"
> & {
  id?: string;
  /** The job's library: account, backend, region and model are copied from it. */
  library: Library & { account: string };
  primaryKeys?: string[];
};

export type JobClaim =
  | { claimed: true; job: FingerprintJob }
  /** The key is held by another row (same or other input: compare inputHash). */
  | { claimed: false; job: FingerprintJob };

export interface JobStatusUpdate {
  status: JobStatus;
  rawStatus: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** Set with a finished status; the store sets finishedAt. */
  matches?: FingerprintMatch[];
}

/** A job with the watcher's schedule fields. */
export type WatchedJob = FingerprintJob & { checkCount: number; nextCheckAt: Date | null };

export interface JobTransitionResult {
  job: FingerprintJob;
  /** The appended JOB event's id; null when another writer got there first or nothing changed. */
  eventId: number | null;
}

export interface JobRepository {
  /**
   * The API's view: SUBMITTED jobs of kind FINGERPRINT only (DELETE_FILES rows are the
   * watcher's bookkeeping, read with findFileDeletionsByIds or findRow). Another tenant's id is simply absent.
   * The same holds for findManyByIds, list and count.
   */
  findById(tenantId: string, id: string): Promise<FingerprintJob | null>;
  findManyByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]>;
  /**
   * The API's view of MPS file deletions (FileDeletion): SUBMITTED rows of kind DELETE_FILES
   * among these ids, the tenant's only, in no particular order. Never FINGERPRINT jobs, and
   * the job reads above never return these.
   */
  findFileDeletionsByIds(tenantId: string, ids: readonly string[]): Promise<FingerprintJob[]>;
  /** Any submit state, any tenant: recovery and the service's own bookkeeping. */
  findRow(id: string): Promise<FingerprintJob | null>;
  list(tenantId: string, filter: JobFilter, first: number, after?: JobCursor): Promise<JobPage>;
  /** Exact, from JobCount (kept by triggers), never a scan of the jobs. */
  count(tenantId: string, filter: JobFilter): Promise<number>;
  /**
   * A search's FINGERPRINT jobs in every submit state (PENDING, REFUSED too: the search's
   * service tells them apart by submitState), in (createdAt, id) order.
   */
  listBySearch(tenantId: string, searchId: string): Promise<FingerprintJob[]>;

  /**
   * Writes a PENDING row. With a key, (tenantId, key) is unique: the loser of a race gets
   * claimed: false with the winner's row. A REFUSED row with the same key and input hash is
   * taken over (reset to PENDING, claimed: true).
   */
  claim(job: NewJob): Promise<JobClaim>;
  /** Records the backend's job id and makes the job visible (SUBMITTED, QUEUED), due for the watcher at `firstCheckAt`. */
  markSubmitted(id: string, backendJobId: string, firstCheckAt: Date): Promise<FingerprintJob>;
  markRefused(id: string, errorCode: string, errorMessage: string): Promise<void>;
  /** Conditional takeover of a PENDING row whose holder went quiet (see CreateIntentRepository.takeOverStale). */
  takeOverStale(id: string, olderThan: Date): Promise<boolean>;
  listPending(olderThan: Date): Promise<FingerprintJob[]>;

  /**
   * Records an observed status change and its JOB event in ONE transaction, compare-and-set
   * on (status, rawStatus) exactly like LibraryRepository.transition: of two writers that saw
   * the same change, one appends the event.
   */
  transition(id: string, expected: { status: JobStatus; rawStatus: string }, update: JobStatusUpdate): Promise<JobTransitionResult>;

  /** The watcher's work list: SUBMITTED, unfinished jobs of these shards, due, oldest first. */
  dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedJob[]>;
  scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void>;
  /** For the metrics gauge: jobs per backend and status, all tenants, as count() counts them (from JobCount). */
  countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: JobStatus; count: number }>>;
}

export interface NewDuplicateSearch {
  tenantId: string;
  idempotencyKey: string | null;
  inputHash: string;
  media: string;
  libraryIds: string[];
}

export interface DuplicateSearchRepository {
  /** Inserts; with a key already used, returns the existing search (claimed: false). */
  claim(search: NewDuplicateSearch): Promise<{ claimed: boolean; search: DuplicateSearch }>;
  findById(tenantId: string, id: string): Promise<DuplicateSearch | null>;
  findManyByIds(tenantId: string, ids: readonly string[]): Promise<DuplicateSearch[]>;
}

export type { SubmitState };

/**
 * One entry of the event log for a job's status change (kind "JOB" rows of the log whose
 * library events are LibraryEvent). Ids share one sequence with library events, so the relay's
 * order, dedup and sweep are the same for both.
 */
export interface JobEvent {
  kind: "JOB";
  id: number;
  tenantId: string;
  libraryId: string;
  jobId: string;
  searchId: string | null;
  backend: FingerprintBackend;
  previousStatus: JobStatus | null;
  status: JobStatus;
  rawStatus: string;
  occurredAt: Date;
  /** The job right after the change, so replay and fan-out never re-read the store. */
  job: FingerprintJob;
}
