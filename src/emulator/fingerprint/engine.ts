/**
 * The emulator's fingerprint engine: fingerprints in a pool of worker threads, indexes in the
 * caller's thread. See contract.ts for the flow and kinds.ts for the per-kind modules.
 */
import { availableParallelism } from "node:os";
import type { Fingerprint, FingerprintEngine, LibraryIndex, MediaKind } from "./contract.js";
import { engineKind, registeredKinds } from "./kinds.js";
import { WorkerPool } from "./worker-pool.js";

export interface FingerprintEngineOptions {
  /** Worker threads. Default: one less than the cores (at least one), leaving a core for the event loop. */
  workers?: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createFingerprintEngine(options: FingerprintEngineOptions = {}): FingerprintEngine {
  const pool = new WorkerPool({
    size: options.workers ?? defaultWorkerCount(),
    beforeFirstWorker: () => Promise.all(registeredKinds().map((kind) => engineKind(kind).preloadInMainThread?.())),
  });
  return {
    async fingerprint(kind: MediaKind, bytes: Uint8Array): Promise<Fingerprint> {
      engineKind(kind); // an unknown or missing kind fails here, before a thread is involved
      return pool.run(kind, bytes);
    },
    createIndex(kind: MediaKind): LibraryIndex {
      return engineKind(kind).createIndex();
    },
    close: () => pool.close(),
  };
}
