/** Wires the use cases together; the one object the GraphQL layer and the server hold. */
import type { Logger } from "pino";
import type { BackendAccounts, Backends } from "../backends/index.js";
import type { CreateValidationContext } from "../domain/create-input.js";
import type { RoutingPolicy } from "../domain/routing.js";
import type { Store } from "../store/ports.js";
import { CreateLibrary } from "./create-library.js";
import { CreateRecovery } from "./create-recovery.js";
import { FileDeletion } from "./file-deletion.js";
import { FileListing } from "./file-listing.js";
import { JobCancel } from "./job-cancel.js";
import { JobQueries } from "./job-queries.js";
import { FirstJobCheck } from "./job-schedule.js";
import { JobSubmitRecovery } from "./job-submit-recovery.js";
import { LibraryLifecycle } from "./library-lifecycle.js";
import { LibraryQueries } from "./library-queries.js";
import { createLiveReads, type LiveReads } from "./live-library-reader.js";
import { SearchDuplicates } from "./search-duplicates.js";
import { StatusRecorder } from "./status-recorder.js";
import { JobSubmission } from "./submit-job.js";
import { JobStatusRecorder } from "./job-status-recorder.js";

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
  /** A library's stored media, read live from its backend (FingerprintLibrary.files). */
  files: FileListing;
  /** deleteFingerprintFiles: ICE at once, MPS through DELETE_FILES jobs. */
  fileDeletion: FileDeletion;
  /** cancelFingerprintJob (ICE, while QUEUED). */
  jobCancel: JobCancel;
  /** Fingerprint jobs: submit (with its crash recovery), duplicate searches, reads. */
  jobs: JobSubmission;
  jobRecovery: JobSubmitRecovery;
  /** When a new job is first read; the gateway hands it the job watcher's schedule. */
  firstJobCheck: FirstJobCheck;
  searches: SearchDuplicates;
  jobQueries: JobQueries;
  /** The one writer of job status changes (the job watcher, cancel); the event relay listens to it. */
  jobRecorder: JobStatusRecorder;
  /** Fresh batching readers; one set per request or watcher round, so batches never mix. */
  liveReads(): LiveReads;
  settings: ServiceSettings;
}

export function createServices(store: Store, accounts: BackendAccounts, settings: ServiceSettings, log: Logger): Services {
  const recorder = new StatusRecorder(store);
  const recovery = new CreateRecovery(store, accounts, log, recorder);
  const firstJobCheck = new FirstJobCheck();
  const jobRecovery = new JobSubmitRecovery(store, accounts, log, firstJobCheck);
  // Jobs share the creates' timing settings: the same idempotency machinery, the same backends.
  const jobs = new JobSubmission({
    store,
    accounts,
    recovery: jobRecovery,
    firstCheck: firstJobCheck,
    staleAfterMs: settings.createIntentStaleMs,
    ambiguousGraceMs: settings.createRetryGraceMs,
    log,
  });
  const jobRecorder = new JobStatusRecorder(store);
  return {
    jobs,
    jobRecovery,
    firstJobCheck,
    searches: new SearchDuplicates(store, jobs),
    jobQueries: new JobQueries(store),
    store,
    accounts,
    backends: accounts.default,
    recorder,
    jobRecorder,
    recovery,
    settings,
    queries: new LibraryQueries(store),
    files: new FileListing(accounts),
    fileDeletion: new FileDeletion({ store, jobs: store.jobs, accounts, log }),
    jobCancel: new JobCancel({ jobs: store.jobs, recorder: jobRecorder, accounts }),
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
