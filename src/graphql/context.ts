/**
 * Per-request state: who is asking (the tenant) and the request's DataLoaders. Loaders
 * live exactly one request, so batching never mixes tenants and no cache outlives a request.
 */
import DataLoader from "dataloader";
import type { DuplicateSearch, FingerprintJob } from "../domain/job.js";
import type { Library } from "../domain/library.js";
import type { EventRelay } from "../subscriptions/index.js";
import type { Services } from "../services/index.js";
import type { LiveReads } from "../services/live-library-reader.js";

export interface GatewayContext {
  tenantId: string;
  /**
   * The request proved it comes from the federation router (src/auth/router-secret.ts):
   * only then are `_service` and inline traces served.
   */
  router: boolean;
  services: Services;
  /** This instance's fan-out of status events, for subscriptions. */
  events: EventRelay;
  loaders: {
    /** Registry reads by internal id: one query per request, however many ids. */
    libraryById: DataLoader<string, Library | null>;
    /** Jobs and searches by internal id, the same way: one query per request. */
    jobById: DataLoader<string, FingerprintJob | null>;
    searchById: DataLoader<string, DuplicateSearch | null>;
    /** MPS file deletions (DELETE_FILES rows) by internal id, the same way. */
    fileDeletionById: DataLoader<string, FingerprintJob | null>;
    /** A search's jobs (one query per search, cached for the request). */
    jobsOfSearch: DataLoader<DuplicateSearch, FingerprintJob[], string>;
    live: LiveReads;
  };
}

export function createContext(services: Services, events: EventRelay, tenantId: string, router = false): GatewayContext {
  return { tenantId, router, services, events, loaders: new RequestLoaders(services, tenantId) };
}

/**
 * Each loader is built on first use: a list read needs none, and only mutations read live
 * state. A class, not an object literal with getters: its getters live once on the
 * prototype, so a context costs a few fields, not a closure per loader. Every subscription
 * keeps its context for as long as it runs, so this is paid per subscriber.
 */
class RequestLoaders {
  #libraryById: DataLoader<string, Library | null> | undefined;
  #jobById: DataLoader<string, FingerprintJob | null> | undefined;
  #searchById: DataLoader<string, DuplicateSearch | null> | undefined;
  #fileDeletionById: DataLoader<string, FingerprintJob | null> | undefined;
  #jobsOfSearch: DataLoader<DuplicateSearch, FingerprintJob[], string> | undefined;
  #live: LiveReads | undefined;

  constructor(
    private readonly services: Services,
    private readonly tenantId: string,
  ) {}

  get libraryById(): DataLoader<string, Library | null> {
    return (this.#libraryById ??= new DataLoader((ids) => this.services.queries.byIds(this.tenantId, ids)));
  }

  get jobById(): DataLoader<string, FingerprintJob | null> {
    return (this.#jobById ??= new DataLoader((ids) => this.services.jobQueries.jobsByIds(this.tenantId, ids)));
  }

  get searchById(): DataLoader<string, DuplicateSearch | null> {
    return (this.#searchById ??= new DataLoader((ids) => this.services.jobQueries.searchesByIds(this.tenantId, ids)));
  }

  get fileDeletionById(): DataLoader<string, FingerprintJob | null> {
    return (this.#fileDeletionById ??= new DataLoader((ids) => this.services.fileDeletion.byIds(this.tenantId, ids)));
  }

  get jobsOfSearch(): DataLoader<DuplicateSearch, FingerprintJob[], string> {
    return (this.#jobsOfSearch ??= new DataLoader(
      (searches) => Promise.all(searches.map((search) => this.services.jobQueries.jobsOfSearch(this.tenantId, search))),
      { cacheKeyFn: (search) => search.id },
    ));
  }

  get live(): LiveReads {
    return (this.#live ??= this.services.liveReads());
  }
}
