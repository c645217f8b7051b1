import type { FingerprintBackend } from "../domain/model.js";
import type { BackendLibrary } from "../backends/index.js";
import type { NewLibrary } from "../store/ports.js";

/** The registry row for a library a backend just reported (created, adopted or imported). */
export function libraryFromBackend(
  tenantId: string,
  account: string,
  backend: FingerprintBackend,
  region: string,
  found: BackendLibrary,
  requestedConfig: string | null = null,
  now: Date = new Date(),
): NewLibrary {
  return {
    tenantId,
    account,
    backend,
    backendLibraryId: found.backendLibraryId,
    region,
    name: found.name,
    description: found.description,
    model: found.model,
    // MPS echoes Config only in its create answer; ICE never has one.
    config: backend === "MPS" ? (found.config ?? requestedConfig) : null,
    status: found.status,
    rawStatus: found.rawStatus,
    activatedAt: found.status === "ACTIVE" ? now : null,
  };
}
