/**
 * Fingerprint jobs: what libraries are for. Media goes in (SAVE), duplicates come out
 * (SEARCH), or both. Both services run the same four SaveType words through an async job
 * with the same four status words; this file is the gateway's one vocabulary for them.
 */
import type { FingerprintBackend, FingerprintModel } from "./model.js";

/**
 * The services' SaveType, named for what the caller wants (see the API contract):
 * SAVE = onlysave (store, no search), SEARCH = nosave (search, store nothing),
 * SEARCH_AND_SAVE = forcesave (search, then store), SEARCH_AND_SAVE_IF_UNIQUE = save
 * (search; store only when no stored item reaches the similarity threshold).
 */
export const JOB_MODES = ["SAVE", "SEARCH", "SEARCH_AND_SAVE", "SEARCH_AND_SAVE_IF_UNIQUE"] as const;
export type JobMode = (typeof JOB_MODES)[number];

export const SAVE_TYPES: Readonly<Record<JobMode, "onlysave" | "nosave" | "forcesave" | "save">> = {
  SAVE: "onlysave",
  SEARCH: "nosave",
  SEARCH_AND_SAVE: "forcesave",
  SEARCH_AND_SAVE_IF_UNIQUE: "save",
};

/** Modes whose job searches, so matches may come back. SAVE never has any. */
export function searches(mode: JobMode): boolean {
  return mode !== "SAVE";
}

/** Modes that store the media under a primary key the caller must own. */
export function stores(mode: JobMode): boolean {
  return mode !== "SEARCH";
}

export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A job in one of these will not change again; the watcher stops reading it. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ["SUCCEEDED", "FAILED", "CANCELED"];

export function isFinished(status: JobStatus): boolean {
  return FINISHED_JOB_STATUSES.includes(status);
}

/**
 * ICE says `Status` and MPS says `State`, with the same words: Queuing, Analysing, Success,
 * Fail. ICE's cancel has no documented word: "Cancel"/"Canceled"/"Cancelled" are accepted.
 * Matching ignores case and surrounding space; anything else is UNKNOWN, its word kept.
 */
const JOB_STATUS_WORDS: Readonly<Record<string, JobStatus>> = {
  queuing: "QUEUED",
  queued: "QUEUED",
  submitted: "QUEUED",
  analysing: "RUNNING",
  analyzing: "RUNNING",
  processing: "RUNNING",
  running: "RUNNING",
  success: "SUCCEEDED",
  succeeded: "SUCCEEDED",
  fail: "FAILED",
  failed: "FAILED",
  cancel: "CANCELED",
  canceled: "CANCELED",
  cancelled: "CANCELED",
};

export function normalizeJobStatus(raw: unknown): { status: JobStatus; rawStatus: string } {
  const rawStatus = raw === undefined || raw === null ? "" : String(raw);
  return { status: JOB_STATUS_WORDS[rawStatus.trim().toLowerCase()] ?? "UNKNOWN", rawStatus };
}

/** Where the copy is: seconds for audio and video, characters for text; none for images. */
export interface MatchSegment {
  inputStart: number;
  inputEnd: number;
  matchStart: number;
  matchEnd: number;
}

/** A stored item the job's media duplicates, normalized from ICE's DNA result and MPS's FpShotResult. */
export interface FingerprintMatch {
  primaryKey: string;
  /** 0..1 */
  similarity: number;
  segments: MatchSegment[];
}

/**
 * The caller's threshold, applied the same way to both services' results (MPS applies its
 * own SimilarityThreshold only to decide whether `save` stores; ICE has none), most similar
 * first, ties by primary key so the order is stable across reads.
 */
export function rankMatches(matches: readonly FingerprintMatch[], threshold: number): FingerprintMatch[] {
  return matches
    .filter((m) => m.similarity >= threshold)
    .sort((a, b) => b.similarity - a.similarity || (a.primaryKey < b.primaryKey ? -1 : a.primaryKey > b.primaryKey ? 1 : 0));
}

/** MPS's documented default, used for ICE results too so one threshold means one thing. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.8;

/** The ICE Config MediaType word of a library model (only "video" is documented; the rest follow the model names). */
export const MEDIA_TYPE_WORDS: Readonly<Record<FingerprintModel, string>> = {
  VIDEO: "video",
  AUDIO: "audio",
  IMAGE: "image",
  TEXT: "text",
};

/**
 * What a job row is for. FINGERPRINT: a SubmitDNAJob / SubmitFpShotJob (save and/or search).
 * DELETE_FILES: an MPS SubmitFpFileDeleteJob the watcher follows to its end (ICE deletes at
 * once and makes no row).
 */
export const JOB_KINDS = ["FINGERPRINT", "DELETE_FILES"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * Where the submit stands. A row is written PENDING before the backend is called (the
 * intent), SUBMITTED the moment the backend answered with its job id, REFUSED when the
 * backend said no (then the same idempotency key with the same input may try again).
 * Only SUBMITTED rows are jobs to the API; the others are the idempotency key's record.
 */
export const SUBMIT_STATES = ["PENDING", "SUBMITTED", "REFUSED"] as const;
export type SubmitState = (typeof SUBMIT_STATES)[number];

/** A fingerprint job as the gateway's store knows it. */
export interface FingerprintJob {
  /** The gateway's own id (a UUID); GraphQL makes it an opaque global id. */
  id: string;
  tenantId: string;
  libraryId: string;
  /** Copied from the library so lists, filters and the watcher never join. */
  account: string;
  backend: FingerprintBackend;
  region: string;
  model: FingerprintModel;
  kind: JobKind;
  /** Null for DELETE_FILES. */
  mode: JobMode | null;
  /** The media's key in the library (generated for a SEARCH without one); "" for DELETE_FILES. */
  primaryKey: string;
  /** DELETE_FILES: the keys being deleted; empty otherwise. */
  primaryKeys: string[];
  /** The validated media as JSON ({kind:"oss",bucket,object,location} | {kind:"mediaId",mediaId}); null for DELETE_FILES. */
  media: string | null;
  similarityThreshold: number;
  userData: string | null;
  /** The DuplicateSearch this job belongs to, if any. */
  searchId: string | null;
  idempotencyKey: string | null;
  /** SHA-256 of the canonical input; the same key with another hash is a reuse. */
  inputHash: string;
  submitState: SubmitState;
  /** Null until the backend answered the submit. */
  backendJobId: string | null;
  status: JobStatus;
  /** The backend's own status word, as last seen ("" before the first read). */
  rawStatus: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** Ranked, threshold applied; empty until SUCCEEDED and always for SAVE. */
  matches: FingerprintMatch[];
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** A search of several libraries for one media file: one SEARCH job per library. */
export interface DuplicateSearch {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  inputHash: string;
  /** The validated media as JSON (see FingerprintJob.media). */
  media: string;
  libraryIds: string[];
  createdAt: Date;
}
