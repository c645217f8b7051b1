/**
 * Per-request state: who is asking (the tenant) and the request's DataLoaders. Loaders
 * live exactly one request, so batching never mixes tenants and no cache outlives a request.
 */
import DataLoader from "dataloader";
import type { Library } from "../domain/library.js";
import type { EventRelay } from "../events/event-relay.js";
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
    live: LiveReads;
  };
}

export function createContext(services: Services, events: EventRelay, tenantId: string, router = false): GatewayContext {
  // Built on first use: a list read needs neither loader, and only mutations read live state.
  let libraryById: DataLoader<string, Library | null> | undefined;
  let live: LiveReads | undefined;
  return {
    tenantId,
    router,
    services,
    events,
    loaders: {
      get libraryById() {
        return (libraryById ??= new DataLoader((ids) => services.queries.byIds(tenantId, ids)));
      },
      get live() {
        return (live ??= services.liveReads());
      },
    },
  };
}
