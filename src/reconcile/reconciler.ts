/**
 * Reconcile: compares the registry with the backends and repairs what it can.
 *
 *   1. Intents: every PENDING create intent untouched for `intentStaleMs` is settled by the
 *      create recovery (adopted when its library exists on the backend, marked failed when
 *      nothing was made), exactly as the gateway's periodic sweep does; stale PENDING job
 *      submits likewise (JobSubmitRecovery).
 *   2. Libraries: the whole registry (all tenants) is walked in pages of ids. Each page's
 *      libraries that are not DELETED are read live through one set of batching readers
 *      (List calls of at most ten ids per backend and region, delete-job queries likewise)
 *      and every difference is recorded through the StatusRecorder (LibraryLifecycle
 *      .refreshLibrary): one transaction with its event, compare-and-set, so a watcher or
 *      another reconcile that sees the same change makes no second event. A library its
 *      backend no longer lists becomes DELETED ("absent"); a DELETING one whose MPS delete
 *      job finished becomes DELETED.
 *   3. Orphans: every backend library of the account (List without ids, per backend and
 *      region) that no registry row of any tenant holds is reported, never imported: which
 *      tenant would own it is not the reconciler's to guess. `importFingerprintLibrary`
 *      adopts one for the tenant that calls it. Neither service documents List without ids
 *      (the emulator answers every library of the account); where a service refuses it, the
 *      scan is reported as unresolved and `orphans: false` turns it off.
 *
 * The report says what was checked, what was repaired and what is left for a person.
 * Everything is bounded: the registry is read in pages, backend calls go through the
 * resilient caller (deadline, retries, QPS limiter), and `deadlineMs`/`signal` stop the run
 * between steps, reporting what was not reached.
 */
import type { Logger } from "pino";
import { DEFAULT_ACCOUNT, type BackendLibrary, type Backends } from "../backends/index.js";
import { GatewayError } from "../domain/errors.js";
import type { Library } from "../domain/library.js";
import { FINGERPRINT_BACKENDS, type FingerprintBackend, type FingerprintModel, type LibraryStatus } from "../domain/model.js";
import type { Services } from "../services/index.js";
import { createLiveReads } from "../services/live-library-reader.js";
import type { CreateIntent } from "../store/ports.js";

export interface ReconcileOptions {
  /** Regions whose backend libraries are listed for orphans (the gateway's ALLOWED_REGIONS). */
  regions: readonly string[];
  /** A PENDING intent untouched this long is settled (CREATE_INTENT_STALE_MS: younger ones may still be in flight). */
  intentStaleMs: number;
  /** Registry rows per page (each page is read live in one batch). Default 200. */
  pageSize?: number;
  /** List each backend's libraries without ids to find orphans (undocumented upstream). Default true. */
  orphans?: boolean;
  /**
   * Regions that map to the same listing key are listed once (two regions served by one
   * listing would return the same libraries again). Pass what the backend client calls for
   * that region (endpointKey: the endpoint, and the region header when the endpoint names
   * none). Default: every region apart.
   */
  listingKey?: (backend: FingerprintBackend, region: string) => string;
  /** Stop starting new steps after this many milliseconds; what was not reached is reported. */
  deadlineMs?: number;
  /** Stop at the next step when aborted (shutdown). */
  signal?: AbortSignal;
  log?: Logger;
}

export interface LibraryRef {
  libraryId: string;
  tenantId: string;
  backend: FingerprintBackend;
  region: string;
  backendLibraryId: string;
  name: string;
}

export interface RepairedLibrary extends LibraryRef {
  from: { status: LibraryStatus; rawStatus: string };
  to: { status: LibraryStatus; rawStatus: string };
}

export interface OrphanLibrary {
  /** The cloud account it is in: "default" (the gateway's) or "tenant:<id>" (a tenant's own). */
  account: string;
  backend: FingerprintBackend;
  /** The region(s) whose listing returned it (several when they share one endpoint). */
  regions: string[];
  backendLibraryId: string;
  name: string;
  model: FingerprintModel;
  status: LibraryStatus;
  rawStatus: string;
}

export type UnresolvedKind =
  /** The backend could not be read for this library (it keeps its registry status). */
  | "read-failed"
  /** A stale PENDING intent the recovery could not settle. */
  | "intent"
  /** A stale PENDING job submit that could not be settled (an ICE job whose id was lost, a failed look-up). */
  | "job-submit"
  /** Listing a backend's libraries (for orphans) failed. */
  | "orphan-scan-failed"
  /** The registry says DELETED but the backend still lists the library. */
  | "deleted-but-listed"
  /** More than one tenant's registry holds the same backend library. */
  | "held-by-several-tenants"
  /** The run stopped (deadline or shutdown) before this step. */
  | "incomplete";

export interface UnresolvedItem {
  kind: UnresolvedKind;
  /** What it is about: a library id, an intent id, "ICE cn-shanghai", ... */
  subject: string;
  reason: string;
  library?: LibraryRef;
}

export interface ReconcileReport {
  startedAt: string;
  durationMs: number;
  /** Registry libraries (not DELETED) whose live state was read. */
  checked: number;
  /** Registry rows walked, every status. */
  scanned: number;
  repaired: RepairedLibrary[];
  /** Stale PENDING intents settled (adopted + marked failed). */
  intentsSettled: number;
  intents: { examined: number; adopted: number; markedFailed: number };
  /** Stale PENDING job submits (see JobSubmitRecovery): adopted when the backend has the job, refused when it certainly has not. */
  jobSubmits: { examined: number; adopted: number; refused: number };
  /** Backend libraries listed (0 when the orphan scan is off). */
  backendLibrariesListed: number;
  orphans: OrphanLibrary[];
  unresolved: UnresolvedItem[];
  /** False when the deadline or an abort cut the run short (an "incomplete" item says where). */
  complete: boolean;
}

/** Whether a person has something to do: an unresolved item or an orphan. */
export function needsAttention(report: ReconcileReport): boolean {
  return report.unresolved.length > 0 || report.orphans.length > 0;
}

const DEFAULT_PAGE_SIZE = 200;

export class Reconciler {
  constructor(
    private readonly services: Pick<Services, "store" | "accounts" | "lifecycle" | "recovery" | "jobRecovery">,
    private readonly options: ReconcileOptions,
  ) {}

  async run(): Promise<ReconcileReport> {
    const started = Date.now();
    const deadline = this.options.deadlineMs === undefined ? Infinity : started + this.options.deadlineMs;
    const report: ReconcileReport = {
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      checked: 0,
      scanned: 0,
      repaired: [],
      intentsSettled: 0,
      intents: { examined: 0, adopted: 0, markedFailed: 0 },
      jobSubmits: { examined: 0, adopted: 0, refused: 0 },
      backendLibrariesListed: 0,
      orphans: [],
      unresolved: [],
      complete: true,
    };
    const stopReason = () => {
      if (this.options.signal?.aborted) return "the run was stopped (shutdown)";
      if (Date.now() > deadline) return `the run reached its deadline (${this.options.deadlineMs} ms)`;
      return null;
    };
    const stopAt = (step: string): boolean => {
      if (!report.complete) return true; // stopped already; said where
      const reason = stopReason();
      if (!reason) return false;
      report.complete = false;
      report.unresolved.push({ kind: "incomplete", subject: step, reason: `${reason} before ${step}` });
      return true;
    };

    try {
      if (!stopAt("settling stale create intents")) await this.settleIntents(report);
      const held = new HeldLibraries();
      const walked = stopAt("reading the registry") ? false : await this.checkRegistry(report, held, stopAt);
      // Orphans are only meaningful once the whole registry was walked: a row not seen would look like one.
      if (walked && this.options.orphans !== false && !stopAt("listing backend libraries for orphans")) {
        await this.findOrphans(report, held, stopAt);
      }
    } finally {
      report.durationMs = Date.now() - started;
    }
    this.options.log?.info(
      {
        checked: report.checked,
        repaired: report.repaired.length,
        intentsSettled: report.intentsSettled,
        orphans: report.orphans.length,
        unresolved: report.unresolved.length,
        durationMs: report.durationMs,
      },
      "reconcile finished",
    );
    return report;
  }

  private async settleIntents(report: ReconcileReport): Promise<void> {
    const swept = await this.services.recovery.sweep(this.options.intentStaleMs);
    report.intents = { examined: swept.examined, adopted: swept.adopted, markedFailed: swept.failed };
    report.intentsSettled = swept.adopted + swept.failed;
    for (const item of swept.unresolved) report.unresolved.push({ kind: "intent", subject: item.intentId, reason: item.reason });
    const jobs = await this.services.jobRecovery.sweep(this.options.intentStaleMs);
    report.jobSubmits = { examined: jobs.examined, adopted: jobs.adopted, refused: jobs.refused };
    for (const item of jobs.unresolved) report.unresolved.push({ kind: "job-submit", subject: item.jobId, reason: item.reason });
  }

  /** Walks every registry row; reads the live state of those not DELETED, page by page. True when it reached the end. */
  private async checkRegistry(report: ReconcileReport, held: HeldLibraries, stopAt: (step: string) => boolean): Promise<boolean> {
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    let after: string | null = null;
    for (;;) {
      const page = await this.services.store.libraries.scanAll(after, pageSize);
      if (page.length === 0) return true;
      report.scanned += page.length;
      const live = page.filter((library) => library.status !== "DELETED");
      const reads = createLiveReads(this.services.accounts);
      const outcomes = await Promise.allSettled(live.map((library) => this.services.lifecycle.refreshLibrary(library, reads)));
      report.checked += live.length;
      const current = new Map<string, Library>(page.map((library) => [library.id, library]));
      live.forEach((before, i) => {
        const outcome = outcomes[i];
        if (outcome.status === "rejected") {
          report.unresolved.push({
            kind: "read-failed",
            subject: before.id,
            reason: describeError(outcome.reason),
            library: refOf(before),
          });
          return;
        }
        const after = outcome.value;
        current.set(after.id, after);
        if (after.status !== before.status || after.rawStatus !== before.rawStatus) {
          report.repaired.push({
            ...refOf(before),
            from: { status: before.status, rawStatus: before.rawStatus },
            to: { status: after.status, rawStatus: after.rawStatus },
          });
        }
      });
      for (const library of current.values()) held.add(this.services.accounts.accountOf(library.tenantId), library);
      after = page[page.length - 1].id;
      if (page.length < pageSize) return true;
      if (stopAt(`reading the registry after library ${after} (${report.scanned} rows read)`)) return false;
    }
  }

  private async findOrphans(report: ReconcileReport, held: HeldLibraries, stopAt: (step: string) => boolean): Promise<void> {
    for (const { account, backends } of this.services.accounts.all()) {
      await this.findOrphansOf(account, backends, report, held, stopAt);
    }
  }

  /** One cloud account: the gateway's, or a tenant's own (TENANT_CREDENTIALS_FILE). */
  private async findOrphansOf(account: string, backends: Backends, report: ReconcileReport, held: HeldLibraries, stopAt: (step: string) => boolean): Promise<void> {
    const where = (regions: string[]) => (account === DEFAULT_ACCOUNT ? regions.join(", ") : `${regions.join(", ")} (account ${account})`);
    for (const backend of FINGERPRINT_BACKENDS) {
      // Regions that share a listing (one endpoint) are listed once.
      const groups = new Map<string, string[]>();
      for (const region of this.options.regions) {
        const key = this.options.listingKey?.(backend, region) ?? region;
        groups.set(key, [...(groups.get(key) ?? []), region]);
      }
      const listed = new Map<string, { library: BackendLibrary; regions: string[] }>();
      for (const regions of groups.values()) {
        if (stopAt(`listing ${backend} libraries in ${where(regions)}`)) return;
        let libraries: BackendLibrary[];
        try {
          libraries = await backends[backend].listAll(regions[0]);
        } catch (error) {
          report.unresolved.push({
            kind: "orphan-scan-failed",
            subject: `${backend} ${where(regions)}`,
            reason: `listing every library (List without ids, undocumented upstream) failed: ${describeError(error)}`,
          });
          continue;
        }
        report.backendLibrariesListed += libraries.length;
        for (const library of libraries) {
          const seen = listed.get(library.backendLibraryId);
          if (seen) seen.regions.push(...regions.filter((r) => !seen.regions.includes(r)));
          else listed.set(library.backendLibraryId, { library, regions: [...regions] });
        }
      }

      const candidates: Array<{ library: BackendLibrary; regions: string[] }> = [];
      for (const entry of listed.values()) {
        const rows = held.get(account, backend, entry.library.backendLibraryId);
        if (rows.length === 0) {
          candidates.push(entry);
          continue;
        }
        const alive = rows.filter((row) => row.status !== "DELETED");
        if (alive.length === 0) {
          report.unresolved.push({
            kind: "deleted-but-listed",
            subject: rows[0].libraryId,
            reason: `the registry says DELETED but ${backend} still lists ${entry.library.backendLibraryId} (${entry.library.rawStatus}); delete it on the backend or import it again`,
            library: rows[0],
          });
        } else if (new Set(alive.map((row) => row.tenantId)).size > 1) {
          report.unresolved.push({
            kind: "held-by-several-tenants",
            subject: `${backend} ${entry.library.backendLibraryId}`,
            reason: `held by the registries of tenants ${[...new Set(alive.map((row) => row.tenantId))].join(", ")}; one backend library must belong to one tenant`,
            library: alive[0],
          });
        }
      }
      if (candidates.length === 0) continue;

      // A create may be in flight (its library exists, its row not yet) or may have finished
      // since the registry was read: neither is an orphan.
      const inFlight = await this.services.store.intents.listPending(new Date(Date.now() + 60_000));
      for (const { library, regions } of candidates) {
        if (inFlight.some((intent) => intentMayHaveMade(intent, backend, regions, library))) continue;
        if (await this.services.store.libraries.findByBackendId(account, backend, library.backendLibraryId)) continue;
        report.orphans.push({
          account,
          backend,
          regions,
          backendLibraryId: library.backendLibraryId,
          name: library.name,
          model: library.model,
          status: library.status,
          rawStatus: library.rawStatus,
        });
      }
    }
  }
}

/** The registry rows seen during the walk, by backend library: (account, backend, backend id), any region. */
class HeldLibraries {
  private readonly rows = new Map<string, Array<LibraryRef & { status: LibraryStatus }>>();

  add(account: string, library: Library): void {
    const key = `${account}\u0000${library.backend}\u0000${library.backendLibraryId}`;
    const list = this.rows.get(key) ?? [];
    list.push({ ...refOf(library), status: library.status });
    this.rows.set(key, list);
  }

  get(account: string, backend: FingerprintBackend, backendLibraryId: string): Array<LibraryRef & { status: LibraryStatus }> {
    return this.rows.get(`${account}\u0000${backend}\u0000${backendLibraryId}`) ?? [];
  }
}

function intentMayHaveMade(intent: CreateIntent, backend: FingerprintBackend, regions: readonly string[], library: BackendLibrary): boolean {
  if (intent.backend !== backend || !regions.includes(intent.region)) return false;
  if (intent.backendLibraryId) return intent.backendLibraryId === library.backendLibraryId;
  try {
    const input = JSON.parse(intent.input) as { name?: string; model?: string };
    return input.name === library.name && input.model === library.model;
  } catch {
    return false;
  }
}

function refOf(library: Library): LibraryRef {
  return {
    libraryId: library.id,
    tenantId: library.tenantId,
    backend: library.backend,
    region: library.region,
    backendLibraryId: library.backendLibraryId,
    name: library.name,
  };
}

function describeError(error: unknown): string {
  if (error instanceof GatewayError) {
    const backendCode = typeof error.details.backendCode === "string" ? ` (${error.details.backendCode})` : "";
    return `${error.code}${backendCode}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Runs one reconcile with the gateway's services. */
export function reconcile(services: Pick<Services, "store" | "accounts" | "lifecycle" | "recovery" | "jobRecovery">, options: ReconcileOptions): Promise<ReconcileReport> {
  return new Reconciler(services, options).run();
}
