/**
 * The Backend port: what the services ask of a fingerprint-library service, in the
 * gateway's own vocabulary. The adapters (ice.ts, mps.ts) are the only code that knows the
 * wire names (DBId vs FpDBId, State vs Status, Model vs ModelId).
 */
import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "../domain/model.js";
import type { BackendContent } from "./content-port.js";

export interface BackendLibrary {
  backendLibraryId: string;
  name: string;
  description: string | null;
  model: FingerprintModel;
  /** MPS Config, only present in its create answer. */
  config: string | null;
  status: LibraryStatus;
  rawStatus: string;
}

export interface BackendCreateRequest {
  name: string;
  description: string | null;
  model: FingerprintModel;
  config: string | null;
}

export interface BackendLookup {
  found: BackendLibrary[];
  /** Ids the backend does not have (for this account). */
  missing: string[];
}

/** ICE deletes at once; MPS submits a job that finishes later. */
export type BackendDeleteResult = { kind: "deleted" } | { kind: "job"; jobId: string };

export interface DeleteJobStatus {
  jobId: string;
  backendLibraryId: string;
  state: "RUNNING" | "SUCCEEDED" | "FAILED";
  /** The backend's own words, for a failed job. */
  message: string | null;
}

export interface Backend {
  readonly name: FingerprintBackend;
  create(region: string, request: BackendCreateRequest): Promise<BackendLibrary>;
  /** At most MAX_IDS_PER_LIST_CALL ids: callers batch (see LiveLibraryReader). */
  lookup(region: string, backendLibraryIds: readonly string[]): Promise<BackendLookup>;
  /**
   * Every library of the account in that region. Neither service documents List without
   * ids; it is used only to reconcile an interrupted create, never on a hot path.
   */
  listAll(region: string): Promise<BackendLibrary[]>;
  delete(region: string, backendLibraryId: string): Promise<BackendDeleteResult>;
  /** MPS only; ICE answers an empty list (its deletes never leave a job behind). */
  deleteJobs(region: string, jobIds: readonly string[]): Promise<DeleteJobStatus[]>;
  /** Media in the library: jobs, results, files (content-port.ts). */
  readonly content: BackendContent;
}

export type Backends = Readonly<Record<FingerprintBackend, Backend>>;
