/**
 * Finishes creates that were interrupted: the gateway died, or the backend's answer was
 * lost (a timeout or a 5xx after the backend may already have acted). Such an intent is
 * PENDING, or FAILED with BACKEND_UNAVAILABLE, with a backend recorded. Recovery looks for
 * the library on that backend and adopts it, so a retry never makes a second one:
 *   1. the backend's id was recorded (the crash came after the answer): look it up by id;
 *   2. otherwise list the account's libraries in that region and take the one with the
 *      intent's name and model that no registry row claims.
 * Step 2 relies on List without ids returning the account's libraries, which neither
 * service documents (the emulator does); where it does not, the intent is reported.
 */
import type { Logger } from "pino";
import type { ValidCreateRequest } from "../domain/create-input.js";
import type { Library } from "../domain/library.js";
import type { BackendAccounts, BackendLibrary } from "../backends/index.js";
import { DuplicateLibraryError, type CreateIntent, type Store } from "../store/ports.js";
import { libraryFromBackend } from "./library-from-backend.js";
import type { StatusRecorder } from "./status-recorder.js";

export interface RecoveryReport {
  examined: number;
  adopted: number;
  failed: number;
  /** Intents that could not be settled automatically, with the reason. */
  unresolved: Array<{ intentId: string; reason: string }>;
}

export class CreateRecovery {
  constructor(
    private readonly store: Store,
    private readonly accounts: BackendAccounts,
    private readonly log: Logger,
    private readonly recorder: StatusRecorder,
  ) {}

  /** The library this intent already made on its backend, adopted into the registry; null when there is none. */
  async adoptIfCreated(intent: CreateIntent, valid: ValidCreateRequest): Promise<Library | null> {
    if (!intent.backend) return null; // never got as far as calling a backend
    const found = await this.findOnBackend(intent, valid);
    if (!found) return null;
    this.log.warn({ intentId: intent.id, backend: intent.backend, backendLibraryId: found.backendLibraryId }, "adopting a library an interrupted create made");
    try {
      // Registered as not yet active, then the backend's status recorded through the StatusRecorder:
      // a library that turned ACTIVE while its create was interrupted gets its first-activation event
      // (inserting it as ACTIVE would skip the event, and fingerprintLibraryActivated would never fire).
      const registered = await this.store.intents.complete(intent.id, {
        ...libraryFromBackend(intent.tenantId, this.accounts.accountOf(intent.tenantId), intent.backend, intent.region, found, valid.config),
        status: "OFFLINE",
        rawStatus: "offline",
        activatedAt: null,
      });
      return await this.recorder.record(registered, { status: found.status, rawStatus: found.rawStatus });
    } catch (error) {
      if (!(error instanceof DuplicateLibraryError)) throw error;
      // Someone (an import, another recovery) registered it meanwhile: answer that row, if it
      // is this tenant's (another tenant of the same account holding it is never answered).
      const existing = await this.store.libraries.findByBackendId(this.accounts.accountOf(intent.tenantId), intent.backend, found.backendLibraryId);
      if (!existing || existing.tenantId !== intent.tenantId) throw error;
      return existing;
    }
  }

  /** The start-up and periodic sweep: settles every PENDING intent nobody has touched for `staleAfterMs`. */
  async sweep(staleAfterMs: number): Promise<RecoveryReport> {
    const staleBefore = new Date(Date.now() - staleAfterMs);
    const report: RecoveryReport = { examined: 0, adopted: 0, failed: 0, unresolved: [] };
    for (const intent of await this.store.intents.listPending(staleBefore)) {
      report.examined += 1;
      if (!(await this.store.intents.takeOverStale(intent.id, staleBefore))) continue; // a live caller took it
      try {
        const valid = JSON.parse(intent.input) as ValidCreateRequest;
        const library = await this.adoptIfCreated(intent, valid);
        if (library) {
          report.adopted += 1;
        } else {
          // Nothing was made: the client got an error or no answer, and may retry with its key.
          await this.store.intents.markFailed(intent.id, "BACKEND_UNAVAILABLE", "The gateway stopped before this create finished; nothing was created. Send it again.");
          report.failed += 1;
        }
      } catch (error) {
        report.unresolved.push({ intentId: intent.id, reason: (error as Error).message });
      }
    }
    if (report.examined > 0) this.log.info({ report }, "create recovery sweep");
    return report;
  }

  private async findOnBackend(intent: CreateIntent, valid: ValidCreateRequest): Promise<BackendLibrary | null> {
    const backend = this.accounts.forTenant(intent.tenantId)[intent.backend!];
    if (intent.backendLibraryId) {
      const answer = await backend.lookup(intent.region, [intent.backendLibraryId]);
      return answer.found[0] ?? null;
    }
    const candidates = (await backend.listAll(intent.region)).filter(
      (library) => library.name === valid.name && library.model === valid.model && (library.description ?? null) === valid.description,
    );
    // Any registry row, any tenant's: a library of the account someone already holds is never adopted again.
    const account = this.accounts.accountOf(intent.tenantId);
    for (const candidate of candidates) {
      const registered = await this.store.libraries.findByBackendId(account, intent.backend!, candidate.backendLibraryId);
      if (!registered) return candidate;
    }
    return null;
  }
}
