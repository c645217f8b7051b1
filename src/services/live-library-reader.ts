/**
 * Reads libraries' live state from the backends in as few calls as the services allow:
 * every lookup made while one request (or one watcher round) runs is collected by
 * DataLoader, grouped by backend and region, and sent as List calls of at most ten ids,
 * all groups in parallel. Never one backend call per library.
 */
import DataLoader from "dataloader";
import { MAX_IDS_PER_LIST_CALL, type FingerprintBackend } from "../domain/model.js";
import type { BackendLibrary, Backends } from "../backends/index.js";

export interface LiveKey {
  backend: FingerprintBackend;
  region: string;
  backendLibraryId: string;
}

/** `null` means the backend does not have it (for this account). */
export type LiveLibraryReader = DataLoader<LiveKey, BackendLibrary | null, string>;

const keyOf = (key: LiveKey) => `${key.backend}\u0000${key.region}\u0000${key.backendLibraryId}`;

export function createLiveLibraryReader(backends: Backends): LiveLibraryReader {
  return new DataLoader<LiveKey, BackendLibrary | null, string>(
    async (keys) => {
      const groups = new Map<string, { backend: FingerprintBackend; region: string; ids: Set<string> }>();
      for (const key of keys) {
        const groupKey = `${key.backend}\u0000${key.region}`;
        let group = groups.get(groupKey);
        if (!group) groups.set(groupKey, (group = { backend: key.backend, region: key.region, ids: new Set() }));
        group.ids.add(key.backendLibraryId);
      }
      const found = new Map<string, BackendLibrary>();
      const failures = new Map<string, Error>();
      await Promise.all(
        [...groups.values()].flatMap(({ backend, region, ids }) =>
          chunk([...ids], MAX_IDS_PER_LIST_CALL).map(async (batch) => {
            try {
              const answer = await backends[backend].lookup(region, batch);
              for (const library of answer.found) found.set(keyOf({ backend, region, backendLibraryId: library.backendLibraryId }), library);
            } catch (error) {
              // One failing batch fails only its own keys; the rest of the request goes on.
              for (const id of batch) failures.set(keyOf({ backend, region, backendLibraryId: id }), error as Error);
            }
          }),
        ),
      );
      return keys.map((key) => failures.get(keyOf(key)) ?? found.get(keyOf(key)) ?? null);
    },
    // Live state must not be cached across a request's mutations (refresh, then read again).
    { cacheKeyFn: keyOf, cache: false },
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
