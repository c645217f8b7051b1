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
    /** A search's jobs (one query per search, cached for the request). */
    jobsOfSearch: DataLoader<DuplicateSearch, FingerprintJob[], string>;
    live: LiveReads;
  };
}

export function createContext(services: Services, events: EventRelay, tenantId: string, router = false): GatewayContext {
  // Built on first use: a list read needs neither loader, and only mutations read live state.
  let libraryById: DataLoader<string, Library | null> | undefined;
  let live: LiveReads | undefined;
  let jobById: DataLoader<string, FingerprintJob | null> | undefined;
  let searchById: DataLoader<string, DuplicateSearch | null> | undefined;
  let jobsOfSearch: DataLoader<DuplicateSearch, FingerprintJob[], string> | undefined;
  return {
    tenantId,
    router,
    services,
    events,
    loaders: {
      get libraryById() {
        return (libraryById ??= new DataLoader((ids) => services.queries.byIds(tenantId, ids)));
      },
      get jobById() {
        return (jobById ??= new DataLoader((ids) => services.jobQueries.jobsByIds(tenantId, ids)));
      },
      get searchById() {
        return (searchById ??= new DataLoader((ids) => services.jobQueries.searchesByIds(tenantId, ids)));
      },
      get jobsOfSearch() {
        return (jobsOfSearch ??= new DataLoader(
          (searches) => Promise.all(searches.map((search) => services.jobQueries.jobsOfSearch(tenantId, search))),
          { cacheKeyFn: (search) => search.id },
        ));
      },
      get live() {
        return (live ??= services.liveReads());
      },
    },
  };
}
