/**
 * deleteFingerprintLibrary, refreshFingerprintLibrary and importFingerprintLibrary: the
 * use cases that read or change a library that the registry already knows (or adopts).
 */
import { GatewayError, badInput, notFound } from "../domain/errors.js";
import type { Library } from "../domain/library.js";
import type { FingerprintBackend } from "../domain/model.js";
import type { BackendAccounts } from "../backends/index.js";
import { DuplicateLibraryError, type Store } from "../store/ports.js";
import { libraryFromBackend } from "./library-from-backend.js";
import type { LiveReads } from "./live-library-reader.js";
import type { StatusRecorder } from "./status-recorder.js";

/** What the registry says when the backend no longer lists a library it had. */
export const ABSENT_RAW_STATUS = "absent";

const BACKEND_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface LibraryLifecycleDeps {
  store: Store;
  accounts: BackendAccounts;
  recorder: StatusRecorder;
  regions: { default: string; allowed: readonly string[] };
}

export class LibraryLifecycle {
  constructor(private readonly deps: LibraryLifecycleDeps) {}

  /** ICE deletes at once; MPS answers a job, and the library stays DELETING until it finishes. */
  async delete(tenantId: string, id: string): Promise<Library> {
    const library = await this.require(tenantId, id);
    if (library.status === "DELETED" || library.status === "DELETING") return library; // already on its way
    const backend = this.deps.accounts.forTenant(library.tenantId)[library.backend];
    try {
      const result = await backend.delete(library.region, library.backendLibraryId);
      return result.kind === "job"
        ? await this.deps.recorder.record(library, { status: "DELETING", rawStatus: library.rawStatus, deleteJobId: result.jobId })
        : await this.deps.recorder.record(library, { status: "DELETED", rawStatus: "deleted" });
    } catch (error) {
      // The backend no longer has it: the delete's goal is met.
      if (error instanceof GatewayError && error.code === "NOT_FOUND") {
        return this.deps.recorder.record(library, { status: "DELETED", rawStatus: ABSENT_RAW_STATUS, deleteJobId: null });
      }
      throw error;
    }
  }

  async refresh(tenantId: string, id: string, live: LiveReads): Promise<Library> {
    const library = await this.require(tenantId, id);
    return this.refreshLibrary(library, live);
  }

  /** Shared with the activation watcher: reads one library's state and records it. */
  async refreshLibrary(library: Library, live: LiveReads): Promise<Library> {
    if (library.status === "DELETED") return library;
    if (library.status === "DELETING" && library.deleteJobId) {
      const job = await live.deleteJobs.load({ tenantId: library.tenantId, backend: library.backend, region: library.region, backendLibraryId: library.deleteJobId });
      if (job?.state === "SUCCEEDED") return this.deps.recorder.record(library, { status: "DELETED", rawStatus: "deleted", deleteJobId: null });
      if (job?.state === "RUNNING") return library;
      // The job failed or vanished: the library's own status tells what is true now.
    }
    const found = await live.libraries.load({ tenantId: library.tenantId, backend: library.backend, region: library.region, backendLibraryId: library.backendLibraryId });
    if (!found) return this.deps.recorder.record(library, { status: "DELETED", rawStatus: ABSENT_RAW_STATUS, deleteJobId: null });
    return this.deps.recorder.record(library, {
      status: found.status,
      rawStatus: found.rawStatus,
      deleteJobId: library.status === "DELETING" ? null : undefined,
    });
  }

  /** Adopts a library that already exists on a backend. Importing the same one again answers the same row. */
  async import(
    tenantId: string,
    backend: FingerprintBackend,
    backendLibraryId: string,
    region: string | null | undefined,
    live: LiveReads,
  ): Promise<Library> {
    const id = backendLibraryId.trim();
    if (!BACKEND_ID_PATTERN.test(id)) {
      throw badInput("backendLibraryId", "backendLibraryId must be 1 to 64 letters, digits, '-' or '_' (an ICE DBId or MPS FpDBId).");
    }
    const where = (region ?? this.deps.regions.default).trim();
    if (!this.deps.regions.allowed.includes(where)) {
      throw new GatewayError("UNSUPPORTED_REGION", `Region "${where}" is not served by this gateway; use one of: ${this.deps.regions.allowed.join(", ")}.`, { field: "region" });
    }
    const notFound = new GatewayError("NOT_FOUND", `${backend} has no library ${id} in ${where} for this tenant's account.`);
    // A backend library is (account, backend, id), whatever region the caller names: the row
    // that holds it decides. Another tenant's: the same answer as a missing one, so ids do not
    // leak. This tenant's own, asked for in another region: it is not in that region either.
    const account = this.deps.accounts.accountOf(tenantId);
    const existing = await this.deps.store.libraries.findByBackendId(account, backend, id);
    if (existing) {
      if (existing.tenantId !== tenantId || existing.region !== where) throw notFound;
      return this.refreshLibrary(existing, live);
    }
    const found = await live.libraries.load({ tenantId, backend, region: where, backendLibraryId: id });
    if (!found) throw notFound;
    try {
      return await this.deps.store.libraries.insert(libraryFromBackend(tenantId, account, backend, where, found));
    } catch (error) {
      if (!(error instanceof DuplicateLibraryError)) throw error;
      // Another import won the race: answer it only if it is this tenant's.
      const winner = await this.deps.store.libraries.findByBackendId(account, backend, id);
      if (!winner) throw error;
      if (winner.tenantId !== tenantId || winner.region !== where) throw notFound;
      return winner;
    }
  }

  private async require(tenantId: string, id: string): Promise<Library> {
    const library = await this.deps.store.libraries.findById(tenantId, id);
    if (!library) throw notFound(`Fingerprint library ${id}`);
    return library;
  }
}
