/**
 * deleteFingerprintFiles: removes stored media from a library. ICE deletes at once
 * (DeleteDNAFiles, 50 keys a call); MPS submits a delete job per 200 keys
 * (SubmitFpFileDeleteJob), each recorded as a DELETE_FILES job row before the call (the
 * same intent-first rule as fingerprint jobs) so the job watcher follows it to its end.
 *
 * Each DELETE_FILES row is also what the caller follows: the API shows it as a FileDeletion
 * (byIds below), whose status the watcher moves to SUCCEEDED or FAILED when the job ends.
 *
 * Chunks go one after another and stop at the first failure. Deleting a key twice leaves
 * the same library, so the error names every key not (or not surely) deleted and the
 * caller repeats the call with exactly those: nothing is half-done silently.
 */
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { BackendAccounts } from "../backends/index.js";
import { GatewayError, notFound, type ErrorCode } from "../domain/errors.js";
import { chunks, validateDeleteKeys } from "../domain/file-keys.js";
import { DEFAULT_SIMILARITY_THRESHOLD, type FingerprintJob, type JobStatus } from "../domain/job.js";
import type { Library } from "../domain/library.js";
import { isDatabaseUnavailable } from "../store/database-failure.js";
import type { JobRepository } from "../store/job-ports.js";
import type { Store } from "../store/ports.js";

/** MPS file-delete jobs take seconds; the watcher's first look waits that long. */
const FIRST_DELETE_JOB_CHECK_MS = 2_000;
/** How many of the keys left a message spells out; the full list is in the error's extensions. */
const KEYS_IN_MESSAGE = 5;

export interface FileDeletionDeps {
  store: Pick<Store, "libraries">;
  jobs: JobRepository;
  accounts: BackendAccounts;
  log?: Pick<Logger, "error">;
}

export interface FileDeletionResult {
  library: Library;
  /** The distinct keys deleted (or being deleted), in the order given. */
  primaryKeys: string[];
  /** SUCCEEDED on ICE; on MPS the delete jobs' status (QUEUED until the watcher sees more). */
  status: JobStatus;
  /** MPS: one DELETE_FILES job per 200 keys; ICE: none. */
  jobs: FingerprintJob[];
}

export class FileDeletion {
  constructor(private readonly deps: FileDeletionDeps) {}

  async delete(tenantId: string, libraryId: string, primaryKeys: readonly string[]): Promise<FileDeletionResult> {
    const keys = validateDeleteKeys(primaryKeys);
    const library = await this.deps.store.libraries.findById(tenantId, libraryId);
    if (!library) throw notFound(`Fingerprint library ${libraryId}`);
    if (library.status !== "ACTIVE") {
      throw new GatewayError("LIBRARY_NOT_ACTIVE", `The library is ${library.status}; files can be deleted only from an ACTIVE library.`, { field: "libraryId" });
    }
    const content = this.deps.accounts.forTenant(tenantId)[library.backend].content;
    const jobs: FingerprintJob[] = [];
    let done = 0;
    for (const batch of chunks(keys, content.maxDeleteKeys)) {
      try {
        if (library.backend === "MPS") jobs.push(await this.submitDeleteJob(tenantId, library, batch));
        else await content.deleteFiles(library.region, library.backendLibraryId, batch);
      } catch (error) {
        throw this.partialFailure(error, keys, done, library);
      }
      done += batch.length;
    }
    return { library, primaryKeys: keys, status: jobs.length > 0 ? jobs[0]!.status : "SUCCEEDED", jobs };
  }

  /**
   * The tenant's file deletions by id, in the order asked, null where there is none (another
   * tenant's, a fingerprint job's id, a submit that never reached MPS): the DataLoader's batch.
   */
  async byIds(tenantId: string, ids: readonly string[]): Promise<Array<FingerprintJob | null>> {
    const rows = await this.deps.jobs.findFileDeletionsByIds(tenantId, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The row first, then the call: a crash in between leaves a PENDING row, never an untracked job. */
  private async submitDeleteJob(tenantId: string, library: Library, batch: string[]): Promise<FingerprintJob> {
    const claim = await this.deps.jobs.claim({
      tenantId,
      library: { ...library, account: this.deps.accounts.accountOf(tenantId) },
      kind: "DELETE_FILES",
      mode: null,
      primaryKey: "",
      primaryKeys: batch,
      media: null,
      similarityThreshold: DEFAULT_SIMILARITY_THRESHOLD,
      userData: null,
      searchId: null,
      idempotencyKey: null,
      inputHash: createHash("sha256").update(JSON.stringify(["DELETE_FILES", library.id, batch])).digest("hex"),
    });
    const content = this.deps.accounts.forTenant(tenantId)[library.backend].content;
    let answer;
    try {
      answer = await content.deleteFiles(library.region, library.backendLibraryId, batch);
    } catch (error) {
      // Even an ambiguous failure (the job may exist) is closed as REFUSED: its keys are
      // reported as not surely deleted, and a repeated delete of them is harmless.
      const code = error instanceof GatewayError ? error.code : "BACKEND_ERROR";
      await this.deps.jobs
        .markRefused(claim.job.id, code, error instanceof Error ? error.message : String(error))
        .catch((markError) => this.deps.log?.error({ err: markError, jobId: claim.job.id }, "could not record a refused file-delete job"));
      throw error;
    }
    if (answer.kind !== "job") throw new Error(`${library.backend} answered a file delete without a job; the DELETE_FILES row ${claim.job.id} stays PENDING.`);
    return this.deps.jobs.markSubmitted(claim.job.id, answer.jobId, new Date(Date.now() + FIRST_DELETE_JOB_CHECK_MS));
  }

  /** The failure as the caller sees it: its own code and details, plus what is left to delete. */
  private partialFailure(error: unknown, keys: string[], done: number, library: Library): GatewayError {
    const left = keys.slice(done);
    const code: ErrorCode = error instanceof GatewayError ? error.code : isDatabaseUnavailable(error) ? "DATABASE_UNAVAILABLE" : "BACKEND_ERROR";
    if (!(error instanceof GatewayError)) this.deps.log?.error({ err: error, libraryId: library.id }, "file delete failed");
    const reason = error instanceof GatewayError ? error.message : "The delete failed unexpectedly; it has been logged.";
    const shown = left.slice(0, KEYS_IN_MESSAGE).join(", ") + (left.length > KEYS_IN_MESSAGE ? ", ..." : "");
    const what = library.backend === "MPS" ? "submitted for deletion (DELETE_FILES jobs)" : "deleted";
    const message =
      done === 0
        ? `No file was deleted: ${reason}`
        : `${done} of ${keys.length} keys were ${what}; ${left.length} were not (or not surely): ${shown}. Deleting again is safe: repeat the call with extensions.notDeletedPrimaryKeys. Cause: ${reason}`;
    const details = error instanceof GatewayError ? error.details : {};
    return new GatewayError(code, message, { ...details, notDeletedPrimaryKeys: left, deletedCount: done }, { cause: error });
  }
}
