/**
 * Per-request state: who is asking (the tenant) and the request's DataLoaders. Loaders
 * live exactly one request, so batching never mixes tenants and no cache outlives a request.
 */
import DataLoader from "dataloader";
import type { Library } from "../domain/library.js";
import type { Services } from "../services/index.js";
import type { LiveLibraryReader } from "../services/live-library-reader.js";

export interface GatewayContext {
  tenantId: string;
  services: Services;
  loaders: {
    /** Registry reads by internal id: one query per request, however many ids. */
    libraryById: DataLoader<string, Library | null>;
    live: LiveLibraryReader;
  };
}

export function createContext(services: Services, tenantId: string): GatewayContext {
  return {
    tenantId,
    services,
    loaders: {
      libraryById: new DataLoader((ids) => services.queries.byIds(tenantId, ids)),
      live: services.liveReader(),
    },
  };
}
