/** Wires the use cases together; the one object the GraphQL layer and the server hold. */
import type { Logger } from "pino";
import type { BackendAccounts, Backends } from "../backends/index.js";
import type { CreateValidationContext } from "../domain/create-input.js";
import type { RoutingPolicy } from "../domain/routing.js";
import type { Store } from "../store/ports.js";
import { CreateLibrary } from "./create-library.js";
import { CreateRecovery } from "./create-recovery.js";
import { JobQueries } from "./job-queries.js";
import { JobSubmitRecovery } from "./job-submit-recovery.js";
import { LibraryLifecycle } from "./library-lifecycle.js";
import { LibraryQueries } from "./library-queries.js";
import { createLiveReads, type LiveReads } from "./live-library-reader.js";
import { SearchDuplicates } from "./search-duplicates.js";
import { StatusRecorder } from "./status-recorder.js";
import { JobSubmission } from "./submit-job.js";

export interface ServiceSettings {
  routing: RoutingPolicy;
  regions: CreateValidationContext;
  createIntentStaleMs: number;
  /** See CreateLibraryDeps.ambiguousGraceMs; 0 looks at once. */
  createRetryGraceMs: number;
}

export interface Services {
  store: Store;
  /** Every tenant's cloud account; a tenant's libraries live in `accounts.forTenant(tenantId)`. */
  accounts: BackendAccounts;
  /** The gateway's own account (`accounts.default`). */
  backends: Backends;
  create: CreateLibrary;
  lifecycle: LibraryLifecycle;
  queries: LibraryQueries;
  recovery: CreateRecovery;
  recorder: StatusRecorder;
  /** Fingerprint jobs: submit (with its crash recovery), duplicate searches, reads. */
  jobs: JobSubmission;
  jobRecovery: JobSubmitRecovery;
  searches: SearchDuplicates;
  jobQueries: JobQueries;
  /** Fresh batching readers; one set per request or watcher round, so batches never mix. */
  liveReads(): LiveReads;
  settings: ServiceSettings;
}

export function createServices(store: Store, accounts: BackendAccounts, settings: ServiceSettings, log: Logger): Services {
  const recorder = new StatusRecorder(store);
  const recovery = new CreateRecovery(store, accounts, log, recorder);
  const jobRecovery = new JobSubmitRecovery(store, accounts, log);
  // Jobs share the creates' timing settings: the same idempotency machinery, the same backends.
  const jobs = new JobSubmission({
    store,
    accounts,
    recovery: jobRecovery,
    staleAfterMs: settings.createIntentStaleMs,
    ambiguousGraceMs: settings.createRetryGraceMs,
    log,
  });
  return {
    jobs,
    jobRecovery,
    searches: new SearchDuplicates(store, jobs),
    jobQueries: new JobQueries(store),
    store,
    accounts,
    backends: accounts.default,
    recorder,
    recovery,
    settings,
    queries: new LibraryQueries(store),
    lifecycle: new LibraryLifecycle({
      store,
      accounts,
      recorder,
      regions: { default: settings.regions.defaultRegion, allowed: settings.regions.allowedRegions },
    }),
    create: new CreateLibrary({
      store,
      accounts,
      routing: settings.routing,
      regions: settings.regions,
      recovery,
      staleAfterMs: settings.createIntentStaleMs,
      ambiguousGraceMs: settings.createRetryGraceMs,
      log,
    }),
    liveReads: () => createLiveReads(accounts),
  };
}
