/**
 * submitFingerprintJob: check the library, validate, claim the idempotency key, call the
 * backend, record. Same guarantees as createFingerprintLibrary: the job row is written
 * PENDING before the backend is called (the intent) and becomes SUBMITTED with the backend's
 * job id, so a crash in between is found by JobSubmitRecovery, and one idempotency key maps
 * to at most one backend job however often the client retries.
 *
 * An answer that never came (timeout, dropped connection, 5xx) may still have made a job.
 * After a grace period the gateway looks for it where the service allows (MPS lists jobs by
 * creation time). Where it cannot (ICE lists jobs by id only), the row stays PENDING: the
 * client is told the outcome is unknown, and its key keeps refusing to make a second job.
 */
import type { Logger } from "pino";
import { GatewayError } from "../domain/errors.js";
import { SAVE_TYPES, type FingerprintJob } from "../domain/job.js";
import { submitJobHash, validateSubmitJob, type SubmitJobRequest, type ValidSubmitJob } from "../domain/job-input.js";
import type { Library } from "../domain/library.js";
import type { BackendAccounts } from "../backends/index.js";
import type { BackendJobRequest } from "../backends/content-port.js";
import { isDatabaseUnavailable } from "../store/database-failure.js";
import type { Store } from "../store/ports.js";
import type { JobSubmitRecovery } from "./job-submit-recovery.js";
import type { FirstJobCheck } from "./job-schedule.js";

export interface SubmitJobResult {
  job: FingerprintJob;
  replayed: boolean;
}

export interface JobSubmissionDeps {
  store: Store;
  accounts: BackendAccounts;
  recovery: JobSubmitRecovery;
  /** When the watcher first reads a new job. */
  firstCheck: FirstJobCheck;
  /** How long a PENDING row may stay untouched before another caller may take it over. */
  staleAfterMs: number;
  /** After an unanswered submit, how long to wait before looking for its job (see CreateLibraryDeps.ambiguousGraceMs). */
  ambiguousGraceMs: number;
  pollIntervalMs?: number;
  /** How long a retry waits for an earlier call with its key to finish before answering "still in progress". */
  waitForEarlierMs?: number;
  log?: Pick<Logger, "warn" | "error">;
}

/** A library that may take jobs, and a submit that passed every rule: nothing has been written or sent yet. */
export interface PreparedSubmit {
  library: Library;
  valid: ValidSubmitJob;
}

export class JobSubmission {
  /** Same-process callers with the same key share one flight instead of polling the database. */
  private readonly inFlight = new Map<string, { inputHash: string; result: Promise<SubmitJobResult> }>();

  constructor(private readonly deps: JobSubmissionDeps) {}

  async submit(tenantId: string, libraryId: string, request: SubmitJobRequest): Promise<SubmitJobResult> {
    return this.submitPrepared(tenantId, await this.prepare(tenantId, libraryId, request), null);
  }

  /** Every check that needs no backend: the library is the caller's and ACTIVE, and the input is valid for it. */
  async prepare(tenantId: string, libraryId: string, request: SubmitJobRequest, field = "libraryId"): Promise<PreparedSubmit> {
    const library = await this.deps.store.libraries.findById(tenantId, libraryId);
    // Another tenant's library is as absent as one that never existed: ids do not leak.
    if (!library) throw new GatewayError("NOT_FOUND", "The fingerprint library was not found.", { field });
    const valid = validateSubmitJob(request, library);
    requireActive(library, field);
    return { library, valid };
  }

  /** Claims the key (or a derived one for a search's jobs) and submits once. */
  async submitPrepared(tenantId: string, prepared: PreparedSubmit, searchId: string | null): Promise<SubmitJobResult> {
    const { library, valid } = prepared;
    const inputHash = submitJobHash(library.id, valid);
    if (!valid.idempotencyKey) return this.submitOnce(tenantId, prepared, inputHash, searchId);
    const flightKey = `${tenantId}\u0000${valid.idempotencyKey}`;
    const running = this.inFlight.get(flightKey);
    if (running) {
      if (running.inputHash !== inputHash) throw keyReused(valid.idempotencyKey);
      return { job: (await running.result).job, replayed: true };
    }
    const result = this.submitOnce(tenantId, prepared, inputHash, searchId);
    this.inFlight.set(flightKey, { inputHash, result });
    try {
      return await result;
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  private async submitOnce(tenantId: string, { library, valid }: PreparedSubmit, inputHash: string, searchId: string | null): Promise<SubmitJobResult> {
    const claim = await this.deps.store.jobs.claim({
      tenantId,
      library: { ...library, account: this.deps.accounts.accountOf(tenantId) },
      kind: "FINGERPRINT",
      mode: valid.mode,
      primaryKey: valid.primaryKey,
      media: JSON.stringify(valid.media),
      similarityThreshold: valid.similarityThreshold,
      userData: valid.userData,
      searchId,
      idempotencyKey: valid.idempotencyKey,
      inputHash,
    });
    if (claim.claimed) return { job: await this.perform(claim.job, library, valid), replayed: false };
    return this.awaitEarlier(claim.job, library, valid, inputHash);
  }

  /** Someone else holds the key: answer their job, their refusal, or take over if they went quiet. */
  private async awaitEarlier(row: FingerprintJob, library: Library, valid: ValidSubmitJob, inputHash: string): Promise<SubmitJobResult> {
    if (row.inputHash !== inputHash) throw keyReused(valid.idempotencyKey);
    const pollMs = this.deps.pollIntervalMs ?? 50;
    const giveUpAt = Date.now() + (this.deps.waitForEarlierMs ?? 10_000);
    let current: FingerprintJob | null = row;
    for (;;) {
      if (!current) throw new GatewayError("BACKEND_ERROR", "The submit this idempotencyKey belongs to disappeared; retry.");
      if (current.submitState === "SUBMITTED") return { job: current, replayed: true };
      // A REFUSED row is taken over by claim() itself; seeing one here means it was refused meanwhile: answer its refusal.
      if (current.submitState === "REFUSED") throw refusedEarlier(current);
      const staleBefore = new Date(Date.now() - this.deps.staleAfterMs);
      if (current.updatedAt < staleBefore && (await this.deps.store.jobs.takeOverStale(current.id, staleBefore))) {
        // The earlier caller died mid-submit, or its submit got no clear answer: find its job before anything else.
        return { job: await this.adoptOrExplain(current, library, null), replayed: true };
      }
      if (Date.now() > giveUpAt) {
        throw new GatewayError(
          "BACKEND_UNAVAILABLE",
          "An earlier call with this idempotencyKey is still submitting the job; retry with the same key in a few seconds to get it.",
          { retryable: true, reason: "SUBMIT_IN_PROGRESS" },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      current = await this.deps.store.jobs.findRow(row.id);
    }
  }

  private async perform(row: FingerprintJob, library: Library, valid: ValidSubmitJob): Promise<FingerprintJob> {
    const content = this.deps.accounts.forTenant(row.tenantId)[library.backend].content;
    let backendJobId: string;
    try {
      ({ backendJobId } = await content.submitJob(library.region, backendRequest(library, valid)));
    } catch (error) {
      if (error instanceof GatewayError && error.details.mayHaveTakenEffect) {
        const graceMs = this.deps.ambiguousGraceMs;
        if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
        return this.adoptOrExplain(row, library, error);
      }
      return this.refuse(row, submitRefusal(error));
    }
    try {
      return await this.deps.store.jobs.markSubmitted(row.id, backendJobId, this.deps.firstCheck.at(row));
    } catch (error) {
      this.deps.log?.error({ jobId: row.id, backend: library.backend, backendJobId, err: error }, "could not record a job the backend accepted");
      // The row stays PENDING; the recovery sweep finds the job where the service allows it (MPS).
      throw new GatewayError(
        isDatabaseUnavailable(error) ? "DATABASE_UNAVAILABLE" : "BACKEND_ERROR",
        `${library.backend} accepted the job, but the gateway could not record it. Retry with the same idempotencyKey to get it once it is recorded.`,
        { retryable: true },
        { cause: error },
      );
    }
  }

  /**
   * After an unclear answer (or for a row taken over from a caller that went quiet): the job
   * if the backend made it; the original failure, with the row REFUSED, if it certainly did
   * not; otherwise the row stays PENDING and the client is told what to do.
   */
  private async adoptOrExplain(row: FingerprintJob, library: Library, failure: GatewayError | null): Promise<FingerprintJob> {
    const absent = failure ?? new GatewayError("BACKEND_UNAVAILABLE", "The earlier submit with this idempotencyKey did not reach the backend; send it again.", { retryable: true });
    let reason: string;
    try {
      const settled = await this.deps.recovery.settle(row, absent.code, absent.message);
      if (settled.lookup.kind === "found") return settled.job;
      reason = settled.lookup.kind === "unknown" ? settled.lookup.reason : "";
    } catch (error) {
      // The look-up failed too (the backend is still unreachable): the sweep tries again later.
      this.deps.log?.warn({ jobId: row.id, backend: library.backend, err: error }, "could not look for the job of an unanswered submit");
      reason = `${library.backend} could not be asked about it yet`;
    }
    // Certainly not made: the row is REFUSED, and the same key with the same input may try again.
    if (reason === "") throw absent;
    throw new GatewayError(
      "BACKEND_UNAVAILABLE",
      `${library.backend} did not answer the submit, and ${reason}. The submit stays pending under its idempotencyKey so that a retry never makes a second job: ` +
        "retry with the same key later to get the job once the gateway's recovery has found it. To submit again regardless (the media may then be processed twice), use a new idempotencyKey.",
      { retryable: true, reason: "SUBMIT_OUTCOME_UNKNOWN", backend: library.backend, backendCode: failure?.details.backendCode, backendRequestId: failure?.details.backendRequestId },
      { cause: failure ?? undefined },
    );
  }

  private async refuse(row: FingerprintJob, error: GatewayError): Promise<never> {
    try {
      await this.deps.store.jobs.markRefused(row.id, error.code, error.message);
    } catch (markError) {
      // The row stays PENDING; the recovery sweep settles it (on MPS it finds no job and refuses it).
      this.deps.log?.warn({ jobId: row.id, err: markError }, "could not mark a refused submit");
    }
    throw error;
  }
}

function backendRequest(library: Library, valid: ValidSubmitJob): BackendJobRequest {
  return {
    backendLibraryId: library.backendLibraryId,
    model: library.model,
    media: valid.media,
    saveType: SAVE_TYPES[valid.mode],
    primaryKey: valid.primaryKey,
    // MPS uses its SimilarityThreshold only to decide whether `save` stores; ICE takes none.
    similarityThreshold: library.backend === "MPS" ? valid.similarityThreshold : null,
    userData: valid.userData,
  };
}

export function requireActive(library: Library, field: string): void {
  if (library.status !== "ACTIVE") {
    throw new GatewayError(
      "LIBRARY_NOT_ACTIVE",
      `The library "${library.name}" is ${library.status}; jobs run only on ACTIVE libraries.` +
        (library.status === "OFFLINE" ? " A new library becomes ACTIVE once its backend has set it up; try again then (fingerprintLibraryActivated tells you when)." : ""),
      { field },
    );
  }
}

/** The backend's refusal in the contract's words: a library the backend says is not active is LIBRARY_NOT_ACTIVE. */
function submitRefusal(error: unknown): GatewayError {
  if (!(error instanceof GatewayError)) return new GatewayError("BACKEND_ERROR", "The submit failed unexpectedly; retry with the same idempotencyKey.", {}, { cause: error });
  if (error.details.backendCode === "InvalidParameter.InvalidState") {
    return new GatewayError("LIBRARY_NOT_ACTIVE", "The backend says the library is not active; jobs run only on ACTIVE libraries. Try again once it is.", error.details, { cause: error });
  }
  return error;
}

function refusedEarlier(row: FingerprintJob): GatewayError {
  return new GatewayError(
    (row.errorCode as GatewayError["code"]) ?? "BACKEND_ERROR",
    row.errorMessage ?? "The earlier submit with this idempotencyKey was refused; send it again to retry.",
  );
}

function keyReused(key: string | null): GatewayError {
  return new GatewayError(
    "IDEMPOTENCY_KEY_REUSED",
    `idempotencyKey "${key}" was already used for a different submitFingerprintJob input; use a new key for a new job.`,
    { field: "idempotencyKey" },
  );
}
