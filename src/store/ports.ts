/**
 * What the services need from persistence. Nothing outside src/store touches Prisma;
 * the services see only these interfaces, so a fake is never needed either: tests run them
 * on a real SQLite file or PostgreSQL database.
 */
import type { JobKind, JobStatus } from "../domain/job.js";
import type { Library } from "../domain/library.js";
import type { LibraryEvent } from "../domain/library-event.js";
import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "../domain/model.js";
import type { DuplicateSearchRepository, JobEvent, JobRepository } from "./job-ports.js";

/** The domain's, re-exported: callers have always found it here. */
export type { LibraryEvent };

export interface LibraryFilter {
  backend?: FingerprintBackend;
  model?: FingerprintModel;
  status?: LibraryStatus;
  region?: string;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
}

/** Keyset position: libraries are ordered by (createdAt, id), both ascending. */
export interface LibraryCursor {
  createdAt: Date;
  id: string;
}

export interface LibraryPage {
  items: Library[];
  hasNextPage: boolean;
  /** How many libraries match the filter on all pages; only when list() was asked for it. */
  totalCount?: number;
}

export type NewLibrary = Omit<Library, "id" | "createdAt" | "updatedAt" | "deleteJobId" | "activatedAt"> & {
  /** The cloud account the backend library lives in (BackendAccounts.accountOf of its tenant). */
  account: string;
  id?: string;
  activatedAt?: Date | null;
};

export interface StatusUpdate {
  status: LibraryStatus;
  rawStatus: string;
  /** Set only on the first transition to ACTIVE; the store never overwrites an existing value. */
  activatedAt?: Date;
  /** undefined leaves it, null clears it. */
  deleteJobId?: string | null;
}

export interface LibraryRepository {
  findById(tenantId: string, id: string): Promise<Library | null>;
  /** One query for many ids (the DataLoader batch). Missing ids are simply absent. */
  findManyByIds(tenantId: string, ids: readonly string[]): Promise<Library[]>;
  /**
   * The one registry row that holds this backend library, whichever tenant's it is: a backend
   * library's identity is (cloud account, backend, backend id), whatever region it is asked
   * for in. Callers compare `tenantId` before answering anything about it.
   */
  findByBackendId(account: string, backend: FingerprintBackend, backendLibraryId: string): Promise<Library | null>;
  /**
   * A keyset page; with `want.totalCount`, also the exact count of all matches, read with the
   * page where that is cheaper than count() after it (a name filter: one pass over its matches).
   */
  list(tenantId: string, filter: LibraryFilter, first: number, after?: LibraryCursor, want?: { totalCount?: boolean }): Promise<LibraryPage>;
  /**
   * Every tenant's libraries, every status, ordered by id, those with id > `afterId` (all
   * when null), at most `limit`: the reconciler's walk over the whole registry (id is the
   * primary key, so each page is an index range scan however large the registry).
   */
  scanAll(afterId: string | null, limit: number): Promise<Library[]>;
  count(tenantId: string, filter: LibraryFilter): Promise<number>;
  /**
   * Rows written before the account column say "legacy:<region>:<tenant>" (the migration cannot
   * know TENANT_CREDENTIALS_FILE): gives each its tenant's account now. A row whose backend
   * library another row of that account already holds (two tenants registered the same one,
   * which the old region-keyed index allowed) keeps its legacy account and is returned, for a
   * person to settle.
   */
  assignLegacyAccounts(accountOf: (tenantId: string) => string): Promise<{ assigned: number; conflicts: Library[] }>;
  /** Inserts; a second row for the same (account, backend, backendLibraryId) is refused with DuplicateLibraryError. */
  insert(library: NewLibrary): Promise<Library>;
  updateStatus(id: string, update: StatusUpdate): Promise<Library>;
  /** For the metrics gauge: how many libraries per backend and status, all tenants. */
  countByBackendAndStatus(): Promise<Array<{ backend: FingerprintBackend; status: LibraryStatus; count: number }>>;

  /**
   * Records an observed status change and its event in ONE transaction, only if the row
   * still has `expected` status and rawStatus (compare-and-set): of two writers that saw the
   * same change (a refresh and the watcher, on two instances), exactly one appends the event;
   * the other gets `event: null` and the row as it now is. No change of status or rawStatus
   * (only deleteJobId) writes the row and appends nothing.
   */
  transition(id: string, expected: { status: LibraryStatus; rawStatus: string }, update: StatusUpdate): Promise<TransitionResult>;

  /**
   * The watcher's work list: libraries whose status can still change (UNSETTLED_STATUSES),
   * in the given shards, whose nextCheckAt is null or <= now, oldest nextCheckAt first
   * (nulls first), at most `limit`. All tenants.
   */
  dueForCheck(shards: readonly number[], now: Date, limit: number): Promise<WatchedLibrary[]>;
  /** Sets each library's next check time and check count, in one transaction. */
  scheduleChecks(schedule: ReadonlyArray<{ id: string; nextCheckAt: Date; checkCount: number }>): Promise<void>;
}

/** A library with the watcher's schedule fields (only the watcher needs them). */
export type WatchedLibrary = Library & { checkCount: number; nextCheckAt: Date | null };

export interface TransitionResult {
  library: Library;
  /** The appended event; null when another writer got there first or nothing changed. */
  event: LibraryEvent | null;
}

/**
 * Everything the event log holds and the subscription pipeline carries: one log, one id
 * sequence, one order, one bus, one relay for every kind of event.
 */
export type GatewayEvent = LibraryEvent | JobEvent;

export interface LibraryEventFilter {
  /** Optional: a filter without a kind is a library filter. */
  kind?: "LIBRARY";
  libraryIds?: readonly string[];
  backend?: FingerprintBackend;
  model?: FingerprintModel;
  /** Only first activations. */
  firstActivationOnly?: boolean;
}

export interface JobEventFilter {
  kind: "JOB";
  libraryIds?: readonly string[];
  jobIds?: readonly string[];
  searchIds?: readonly string[];
  /** Only changes to one of these statuses (e.g. the finished ones). */
  statuses?: readonly JobStatus[];
  /**
   * Only jobs of these kinds. The kind is in the job snapshot, not a column: listAfter
   * leaves this to the stream's predicate, so a replay page may hold fewer matches than
   * it read (the stream pages on the log's ids, not on the count of matches).
   */
  jobKinds?: readonly JobKind[];
}

/** What one subscription wants: a kind of event, narrowed by that kind's fields. */
export type EventFilter = LibraryEventFilter | JobEventFilter;

/** The event type a filter selects. */
export type EventOf<F extends EventFilter> = F extends JobEventFilter ? JobEvent : LibraryEvent;

export interface EventLogRepository {
  /**
   * A tenant's events of the filter's kind with id > afterId, ascending, at most `limit`
   * read from the log. Every field of the filter that is a column is applied in the query.
   */
  listAfter<F extends EventFilter>(tenantId: string, afterId: number, filter: F, limit: number): Promise<Array<EventOf<F>>>;
  /**
   * All tenants' events of every kind with id > afterId, ascending, at most `limit` (the
   * relay's read of what the bus has not brought yet). Ids become visible in commit order
   * (appendEvent), so what this returns is always a prefix of everything after afterId.
   */
  listAfterId(afterId: number, limit: number): Promise<GatewayEvent[]>;
  /** The highest event id in the log (0 when it is empty): where an instance's live events start. */
  lastId(): Promise<number>;
}

/**
 * Named leases with an expiry, so a job (a watcher shard) runs on one instance at a time
 * and another takes it over when the holder stops renewing (it died).
 */
export interface LeaseRepository {
  /** Takes the lease if it is free, expired or already ours; sets expiry to now + ttl. True when we hold it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease we hold; false when it was lost (expired and taken). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease up at once (shutdown), only if we hold it. */
  release(name: string, holder: string): Promise<void>;
  list(): Promise<Array<{ name: string; holder: string; expiresAt: Date }>>;
}

export class DuplicateLibraryError extends Error {
  override readonly name = "DuplicateLibraryError";
}

export type CreateIntentState = "PENDING" | "SUCCEEDED" | "FAILED";

/**
 * A create, written down before the backend is called. With an idempotency key it is also
 * the key's record; without one it still exists, so a crash mid-create is reconcilable.
 */
export interface CreateIntent {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  /** SHA-256 of the canonical create input; the same key with another hash is a reuse. */
  inputHash: string;
  state: CreateIntentState;
  /** The validated create input as JSON, so recovery can match what was asked for. */
  input: string;
  backend: FingerprintBackend | null;
  region: string;
  /** Set as soon as the backend answered, before the library row exists. */
  backendLibraryId: string | null;
  libraryId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ClaimResult =
  | { claimed: true; intent: CreateIntent }
  /** Another call holds or held this key; `intent` is its current record. */
  | { claimed: false; intent: CreateIntent };

export interface CreateIntentRepository {
  /**
   * Writes a PENDING intent. With a key, (tenantId, key) is unique: the loser of a race gets
   * claimed: false with the winner's record. A FAILED intent for the same key and the same
   * input hash is taken over (reset to PENDING, claimed: true), so a client may retry a
   * create that failed.
   */
  claim(intent: {
    tenantId: string;
    idempotencyKey: string | null;
    inputHash: string;
    input: string;
    region: string;
  }): Promise<ClaimResult>;
  findById(id: string): Promise<CreateIntent | null>;
  /** Records which backend is being asked, just before the call. */
  markCalling(id: string, backend: FingerprintBackend): Promise<void>;
  /** Records the backend's id the moment it answered (before the library row is written). */
  markBackendCreated(id: string, backendLibraryId: string): Promise<void>;
  /** Inserts the library and marks the intent SUCCEEDED in one transaction. */
  complete(id: string, library: NewLibrary): Promise<Library>;
  markFailed(id: string, errorCode: string, errorMessage: string): Promise<void>;
  /**
   * Takes over a PENDING intent whose holder has gone quiet (updatedAt before `olderThan`,
   * e.g. its process died mid-create): a conditional update that bumps updatedAt, so of
   * several contenders exactly one gets true.
   */
  takeOverStale(id: string, olderThan: Date): Promise<boolean>;
  /** Intents still PENDING that were last touched before `olderThan`: the start-up reconciler's work list. */
  listPending(olderThan: Date): Promise<CreateIntent[]>;
}

export interface Store {
  libraries: LibraryRepository;
  intents: CreateIntentRepository;
  events: EventLogRepository;
  leases: LeaseRepository;
  jobs: JobRepository;
  searches: DuplicateSearchRepository;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: "sqlite" | "postgresql";
}
