/**
 * The records of the content operations: fingerprint jobs (ICE DNA jobs and MPS FpShot
 * jobs share one record), stored files, MPS file-delete jobs and MPS text import jobs.
 * They are plain data (JSON-safe); what runs them lives in runner.ts.
 */
import type { Fingerprint, MatchSegment, MediaKind } from "../fingerprint/contract.js";
import type { Service } from "../state.js";

/** nosave: search only; onlysave: store, no search; forcesave: search then store; save: search, store when unique. */
export type SaveType = "nosave" | "save" | "forcesave" | "onlysave";
export const SAVE_TYPES: readonly SaveType[] = ["nosave", "save", "forcesave", "onlysave"];

export type FpJobStatus = "Queuing" | "Analysing" | "Success" | "Fail";

/** Where the media is: an OSS object, or an ICE media-asset id the emulator cannot resolve. */
export type MediaRef =
  | { type: "oss"; bucket: string; key: string; /** `oss-cn-shanghai` when the input named one. */ location?: string }
  | { type: "asset"; id: string };

/** One match as a job reports it; text segments carry the quoted passages. */
export interface Hit {
  primaryKey: string;
  similarity: number;
  segments: Array<MatchSegment & { inputText?: string; duplicationText?: string }>;
}

/** A fingerprint job (SubmitDNAJob or SubmitFpShotJob). */
export interface FpJob {
  id: string;
  service: Service;
  owner: string;
  libraryId: string;
  kind: MediaKind;
  primaryKey: string;
  saveType: SaveType;
  /** Used by `save`: a match at or above it counts as a duplicate. */
  threshold: number;
  media: MediaRef;
  /** Region the job was submitted in. */
  region: string;
  status: FpJobStatus;
  code: string;
  message: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds for audio/video, characters for text, 0 for images; known once analysed. */
  mediaLength: number | null;
  /** Matches found by the search (empty for onlysave); null until the job succeeds. */
  hits: Hit[] | null;
  /** True when the job stored the media in the library. */
  stored: boolean;
  /** The stored file's id when stored. */
  fileId: string | null;
  /** ICE: OSS key of the published DNAResult document. */
  resultKey: string | null;
  /** The analysed text (text jobs only), to quote the matching fragments. */
  text: string | null;
  /** Raw request fields echoed by the query actions. */
  echo: {
    /** ICE: Config as sent; MPS: Input as sent. */
    config?: string;
    input?: string;
    /** ICE Input as the object the SDK shows. */
    iceInput?: { Type: string; Media: string };
    /** MPS InputFile as sent. */
    inputFile?: { Bucket: string; Location: string; Object: string };
    templateId?: string;
    pipelineId?: string;
    userData?: string;
    textType?: string;
  };
  /** Creation order, for paging. */
  seq: number;
}

/** A media item stored in a library. */
export interface StoredFile {
  fileId: string;
  primaryKey: string;
  storedAt: number;
  inputFile: { Bucket: string; Location: string; Object: string };
  fingerprint: Fingerprint;
  /** Text libraries: the stored text, to quote duplicates. */
  text: string | null;
  seq: number;
}

export type SimpleJobStatus = "Queuing" | "Success" | "Fail";

/** An MPS SubmitFpFileDeleteJob job. */
export interface FileDeleteJob {
  id: string;
  owner: string;
  libraryId: string;
  region: string;
  fileIds: string[];
  status: SimpleJobStatus;
  code: string;
  message: string;
  pipelineId?: string;
  userData?: string;
  createdAt: number;
  finishedAt: number | null;
  seq: number;
}

export type ImportStatus = "Processing" | "Success" | "Fail";

/** An MPS ImportFpShotJob job (bulk text import). */
export interface ImportJob {
  id: string;
  owner: string;
  libraryId: string;
  media: MediaRef & { type: "oss" };
  region: string;
  input: string;
  importConfig: string;
  saveType: "save" | "onlysave";
  status: ImportStatus;
  code: string;
  message: string;
  /** OSS key of the per-line report. */
  reportKey: string | null;
  pipelineId?: string;
  userData?: string;
  createdAt: number;
  finishedAt: number | null;
  seq: number;
}
