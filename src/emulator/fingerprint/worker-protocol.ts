/** Messages between the pool (main thread) and a fingerprint worker. Structured-clone safe. */
import type { Fingerprint, MediaKind } from "./contract.js";

export interface FingerprintRequest {
  id: number;
  kind: MediaKind;
  bytes: Uint8Array;
}

/** An error as it crosses the thread boundary; `name` lets the pool rebuild MediaDecodeError. */
export interface WorkerError {
  name: string;
  message: string;
  kind?: MediaKind;
}

export type FingerprintReply = { id: number; ok: true; fingerprint: Fingerprint } | { id: number; ok: false; error: WorkerError };

/** Sent once by a worker when its modules are loaded and it listens. */
export const WORKER_READY = "fingerprint-worker-ready";
