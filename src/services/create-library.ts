/**
 * createFingerprintLibrary: validate, claim the idempotency key, route, call the backend,
 * record. The intent is written before the backend is called and completed in the same
 * transaction that inserts the library, so a crash between the backend's answer and the
 * database write leaves a PENDING intent that CreateRecovery resolves: never a lost library
 * and never a second one.
 */
import type { Logger } from "pino";
import { isDatabaseFailure, isDatabaseUnavailable } from "../store/database-failure.js";
import { GatewayError } from "../domain/errors.js";
import type { Library } from "../domain/library.js";
import {
  createRequestHash,
  validateCreateRequest,
  type CreateLibraryRequest,
  type CreateValidationContext,
  type ValidCreateRequest,
} from "../domain/create-input.js";
import { candidateBackends, explainRouting, type RoutingDecision, type RoutingPolicy } from "../domain/routing.js";
import type { BackendAccounts, BackendLibrary } from "../backends/index.js";
import type { FingerprintBackend } from "../domain/model.js";
import { DuplicateLibraryError, type CreateIntent, type Store } from "../store/ports.js";
import type { CreateRecovery } from "./create-recovery.js";
import { libraryFromBackend } from "./library-from-backend.js";

export interface CreateLibraryResult {
  library: Library;
  replayed: boolean;
  /** Why the library is on its backend (a quota fallback says so). */
  routing: RoutingDecision;
}

export interface CreateLibraryDeps {
  store: Store;
  accounts: BackendAccounts;
  routing: RoutingPolicy;
  regions: CreateValidationContext;
  recovery: CreateRecovery;
  /** How long an intent may stay PENDING before another caller may take it over. */
  staleAfterMs: number;
  /** How often a caller waiting on someone else's create looks again. */
  pollIntervalMs?: number;
  /**
   * After a create call ended without a clear answer (a timeout, a dropped connection, a 5xx),
   * the request may still be carried out: it can sit in a queue or on the wire past the
   * gateway's deadline. Wait this long, then look for the library before giving up, so the
   * caller gets the library instead of an error and a retry cannot make a second one.
   */
  ambiguousGraceMs?: number;
  log?: Pick<Logger, "warn" | "error">;
}

export class CreateLibrary {
  /** Same-process callers with the same key share one flight instead of polling the database. */
  private readonly inFlight = new Map<string, { inputHash: string; result: Promise<Omit<CreateLibraryResult, "routing">> }>();

  constructor(private readonly deps: CreateLibraryDeps) {}

  async execute(tenantId: string, request: CreateLibraryRequest): Promise<CreateLibraryResult> {
    const valid = validateCreateRequest(request, this.deps.regions);
    const { library, replayed } = await this.createOrReplay(tenantId, valid);
    return { library, replayed, routing: explainRouting(this.deps.routing, valid.model, valid.backend, library.backend) };
  }

  private async createOrReplay(tenantId: string, valid: ValidCreateRequest): Promise<Omit<CreateLibraryResult, "routing">> {
    const inputHash = createRequestHash(valid);
    if (!valid.idempotencyKey) return this.createOnce(tenantId, valid, inputHash);

    const flightKey = `${tenantId}\u0000${valid.idempotencyKey}`;
    const running = this.inFlight.get(flightKey);
    if (running) {
      if (running.inputHash !== inputHash) throw keyReused(valid.idempotencyKey);
      return { library: (await running.result).library, replayed: true };
    }
    const result = this.createOnce(tenantId, valid, inputHash);
    this.inFlight.set(flightKey, { inputHash, result });
    try {
      return await result;
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  private async createOnce(tenantId: string, valid: ValidCreateRequest, inputHash: string): Promise<Omit<CreateLibraryResult, "routing">> {
    const claim = await this.deps.store.intents.claim({
      tenantId,
      idempotencyKey: valid.idempotencyKey,
      inputHash,
      input: JSON.stringify(valid),
      region: valid.region,
    });
    if (claim.claimed) return { library: await this.perform(claim.intent, valid), replayed: false };
    return this.awaitOther(claim.intent, valid, inputHash);
  }

  /** Someone else holds the key: answer their library, or take over if they died. */
  private async awaitOther(intent: CreateIntent, valid: ValidCreateRequest, inputHash: string): Promise<Omit<CreateLibraryResult, "routing">> {
    if (intent.inputHash !== inputHash) throw keyReused(valid.idempotencyKey);
    const pollMs = this.deps.pollIntervalMs ?? 50;
    let current: CreateIntent | null = intent;
    for (;;) {
      if (!current) throw new GatewayError("BACKEND_ERROR", "The create this idempotencyKey belongs to disappeared; retry.");
      if (current.state === "SUCCEEDED" && current.libraryId) {
        const library = await this.deps.store.libraries.findById(current.tenantId, current.libraryId);
        if (library) return { library, replayed: true };
      }
      if (current.state === "FAILED") {
        throw new GatewayError(
          (current.errorCode as GatewayError["code"]) ?? "BACKEND_ERROR",
          current.errorMessage ?? "The earlier create with this idempotencyKey failed; send it again to retry.",
        );
      }
      if (current.state === "PENDING") {
        const staleBefore = new Date(Date.now() - this.deps.staleAfterMs);
        if (current.updatedAt < staleBefore && (await this.deps.store.intents.takeOverStale(current.id, staleBefore))) {
          // The earlier caller died mid-create; this call finishes (or adopts) its work.
          return { library: await this.perform(current, valid), replayed: false };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      current = await this.deps.store.intents.findById(intent.id);
    }
  }

  /**
   * Runs the create for an intent this caller holds. An intent that already reached a
   * backend (a takeover after a crash or an ambiguous failure) is first looked for there,
   * so a retry adopts the library instead of making a second one.
   */
  private async perform(intent: CreateIntent, valid: ValidCreateRequest): Promise<Library> {
    const adopted = await this.deps.recovery.adoptIfCreated(intent, valid);
    if (adopted) return adopted;

    const candidates = candidateBackends(this.deps.routing, valid.model, valid.backend);
    if (valid.config !== null && candidates[0] === "ICE") await this.fail(intent, badConfigRoute(valid));
    // ICE takes no Config: a library with one may fall back only to MPS.
    const usable = valid.config === null ? candidates : candidates.filter((backend) => backend !== "ICE");
    let lastError: unknown;
    const quotaRefusals: GatewayError[] = [];
    for (const backend of usable) {
      await this.deps.store.intents.markCalling(intent.id, backend);
      let created: BackendLibrary;
      try {
        created = await this.deps.accounts.forTenant(intent.tenantId)[backend].create(valid.region, valid);
      } catch (error) {
        lastError = error;
        // Quota on the routed backend: the next candidate (the fallback) takes it.
        if (error instanceof GatewayError && error.code === "QUOTA_EXCEEDED") {
          quotaRefusals.push(error);
          lastError = quotaRefusals.length > 1 ? everyQuotaUsedUp(valid, quotaRefusals) : error;
          continue;
        }
        if (error instanceof GatewayError && error.details.mayHaveTakenEffect) {
          const landed = await this.lookAfterAmbiguousCall({ ...intent, backend }, valid);
          if (landed) return landed;
        }
        break;
      }
      return this.record(intent, backend, valid, created);
    }
    return this.fail(intent, lastError);
  }

  /**
   * Writes down a library the backend just made. A failed write must not leave it orphaned
   * (on the backend, using a quota slot, in no registry):
   *  - the database could not be reached or did not answer: the intent stays PENDING with the
   *    backend (and, when that write got through, its id), so the recovery sweep or the
   *    caller's retry with the same key adopts the library once the database is back;
   *  - the database answered and refused the row (it never will take it): the library is
   *    deleted on the backend again and the intent marked FAILED. Should that delete fail
   *    too, the intent stays PENDING and the sweep reports it for a person.
   */
  private async record(intent: CreateIntent, backend: FingerprintBackend, valid: ValidCreateRequest, created: BackendLibrary): Promise<Library> {
    try {
      await this.deps.store.intents.markBackendCreated(intent.id, created.backendLibraryId);
      return await this.deps.store.intents.complete(
        intent.id,
        libraryFromBackend(intent.tenantId, this.deps.accounts.accountOf(intent.tenantId), backend, valid.region, created, valid.config),
      );
    } catch (error) {
      const where = { intentId: intent.id, backend, region: valid.region, backendLibraryId: created.backendLibraryId, err: error };
      if (error instanceof DuplicateLibraryError) {
        // A recovery that took this intent over registered it meanwhile: that row is the answer.
        const existing = await this.deps.store.libraries.findByBackendId(this.deps.accounts.accountOf(intent.tenantId), backend, created.backendLibraryId);
        if (existing && existing.tenantId === intent.tenantId) return existing;
        throw new GatewayError("BACKEND_ERROR", "The new library is registered to someone else; this has been logged.", { reason: "INTERNAL" }, { cause: error });
      }
      if (isDatabaseUnavailable(error)) {
        this.deps.log?.warn(where, "the database failed after the backend created a library; it is recorded when the database is back");
        throw databaseUnavailable(error, "The library was created, but the gateway's database did not answer; it will be recorded when the database is back. Retry with the same idempotencyKey to get it.");
      }
      this.deps.log?.error(where, "the database refused a library the backend created; removing it from the backend");
      try {
        await this.deps.accounts.forTenant(intent.tenantId)[backend].delete(valid.region, created.backendLibraryId);
      } catch (removal) {
        this.deps.log?.error({ ...where, err: removal }, "could not remove an unrecordable library from its backend; the recovery sweep reports its intent");
        throw new GatewayError("BACKEND_ERROR", "The gateway could not record the new library; it has been logged for an operator. Retry with the same idempotencyKey.", { reason: "INTERNAL" }, { cause: error });
      }
      return this.fail(
        intent,
        new GatewayError("BACKEND_ERROR", `The gateway could not record the new library, so it removed it from ${backend} again: nothing was created. This is a gateway fault and has been logged.`, { reason: "INTERNAL" }, { cause: error }),
      );
    }
  }

  /** The library an unanswered create made after all, adopted; null when none shows up within the grace period. */
  private async lookAfterAmbiguousCall(intent: CreateIntent, valid: ValidCreateRequest): Promise<Library | null> {
    const graceMs = this.deps.ambiguousGraceMs ?? 0;
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    try {
      return await this.deps.recovery.adoptIfCreated(intent, valid);
    } catch (error) {
      // The backend is still unreachable: the intent is marked FAILED with the original error,
      // and the caller's retry (or the recovery sweep) looks again.
      this.deps.log?.warn({ intentId: intent.id, backend: intent.backend, err: error }, "could not look for the library of an unanswered create");
      return null;
    }
  }

  private async fail(intent: CreateIntent, error: unknown): Promise<never> {
    const gatewayError =
      error instanceof GatewayError
        ? error
        : isDatabaseUnavailable(error)
          ? databaseUnavailable(error, "The gateway's database did not answer in time; the library may already exist. Retry with the same idempotencyKey.")
          : isDatabaseFailure(error)
            ? new GatewayError("BACKEND_ERROR", "The gateway's database refused the create; it has been logged. Retry with the same idempotencyKey.", { reason: "INTERNAL" }, { cause: error })
            : new GatewayError("BACKEND_ERROR", "The create failed unexpectedly; retry with the same idempotencyKey.", {}, { cause: error });
    try {
      await this.deps.store.intents.markFailed(intent.id, gatewayError.code, gatewayError.message);
    } catch (markError) {
      // The database is gone too: the intent stays PENDING and the recovery sweep settles it.
      this.deps.log?.warn({ intentId: intent.id, err: markError }, "could not mark a failed create intent");
    }
    throw gatewayError;
  }
}

function databaseUnavailable(cause: unknown, message: string): GatewayError {
  return new GatewayError("DATABASE_UNAVAILABLE", message, { retryable: true }, { cause });
}

function keyReused(key: string | null): GatewayError {
  return new GatewayError(
    "IDEMPOTENCY_KEY_REUSED",
    `idempotencyKey "${key}" was already used for a different createFingerprintLibrary input; use a new key for a new library.`,
    { field: "idempotencyKey" },
  );
}

/**
 * The routed backend and the fallback both refused for quota: one answer that names both,
 * so the caller is not told only about the fallback, which it never asked for.
 */
function everyQuotaUsedUp(valid: ValidCreateRequest, refusals: GatewayError[]): GatewayError {
  const [routed, ...fallbacks] = refusals.map((refusal) => String(refusal.details.backend));
  const references = refusals.map((refusal) => `${refusal.details.backend} code ${refusal.details.backendCode ?? "none"}, request id ${refusal.details.backendRequestId ?? "none"}`);
  return new GatewayError(
    "QUOTA_EXCEEDED",
    `The library quota for this account is used up on ${routed}, where ${valid.model} libraries go, and on ${fallbacks.join(" and ")}, the fallback (${references.join("; ")}). ` +
      `Delete a library on either service, or ask Alibaba Cloud to raise the quota.`,
    { ...refusals[0]!.details },
  );
}

function badConfigRoute(valid: ValidCreateRequest): GatewayError {
  return new GatewayError(
    "BAD_USER_INPUT",
    `config is an MPS setting, but ${valid.model} libraries are routed to ICE. Set backend: MPS to keep config, or drop config.`,
    { field: "config" },
  );
}
