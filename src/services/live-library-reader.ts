/**
 * Reads live state from the backends in as few calls as the services allow: every lookup
 * made while one request (or one watcher round) runs is collected by DataLoader, grouped by
 * backend and region, and sent as List (or Query) calls of at most ten ids, all groups in
 * parallel. Never one backend call per library. Tenants with their own cloud account are
 * batched apart: one List call speaks for one account.
 */
import DataLoader from "dataloader";
import { MAX_IDS_PER_LIST_CALL, type FingerprintBackend } from "../domain/model.js";
import type { BackendAccounts, BackendLibrary } from "../backends/index.js";
import type { Backend, DeleteJobStatus } from "../backends/port.js";

export interface LiveKey {
  /** Whose library: it decides the cloud account asked. */
  tenantId: string;
  backend: FingerprintBackend;
  region: string;
  /** A library id (ICE DBId, MPS FpDBId) or, for delete jobs, a job id. */
  backendLibraryId: string;
}

/** `null` means the backend does not have it (for this account). */
export type LiveLibraryReader = DataLoader<LiveKey, BackendLibrary | null, string>;
export type DeleteJobReader = DataLoader<LiveKey, DeleteJobStatus | null, string>;

export interface LiveReads {
  libraries: LiveLibraryReader;
  deleteJobs: DeleteJobReader;
}

export function createLiveReads(accounts: BackendAccounts): LiveReads {
  return {
    libraries: batchedReader(accounts, async (backends, region, ids) => {
      const answer = await backends.lookup(region, ids);
      return answer.found.map((library) => [library.backendLibraryId, library] as const);
    }),
    deleteJobs: batchedReader(accounts, async (backends, region, ids) => {
      const jobs = await backends.deleteJobs(region, ids);
      return jobs.map((job) => [job.jobId, job] as const);
    }),
  };
}

type BatchFetch<T> = (backend: Backend, region: string, ids: string[]) => Promise<ReadonlyArray<readonly [string, T]>>;

function batchedReader<T>(accounts: BackendAccounts, fetch: BatchFetch<T>): DataLoader<LiveKey, T | null, string> {
  // One List call answers for one account, one service and one region.
  const groupOf = (key: LiveKey) => `${accounts.accountOf(key.tenantId)}\u0000${key.backend}\u0000${key.region}`;
  const keyOf = (key: LiveKey) => `${groupOf(key)}\u0000${key.backendLibraryId}`;
  return new DataLoader<LiveKey, T | null, string>(
    async (keys) => {
      const groups = new Map<string, { sample: LiveKey; ids: Set<string> }>();
      for (const key of keys) {
        const groupKey = groupOf(key);
        let group = groups.get(groupKey);
        if (!group) groups.set(groupKey, (group = { sample: key, ids: new Set() }));
        group.ids.add(key.backendLibraryId);
      }
      const found = new Map<string, T>();
      const failures = new Map<string, Error>();
      await Promise.all(
        [...groups.values()].flatMap(({ sample, ids }) =>
          chunk([...ids], MAX_IDS_PER_LIST_CALL).map(async (batch) => {
            const keyFor = (id: string) => keyOf({ ...sample, backendLibraryId: id });
            try {
              const backend = accounts.forTenant(sample.tenantId)[sample.backend];
              for (const [id, value] of await fetch(backend, sample.region, batch)) found.set(keyFor(id), value);
            } catch (error) {
              // One failing batch fails only its own keys; the rest of the request goes on.
              for (const id of batch) failures.set(keyFor(id), error as Error);
            }
          }),
        ),
      );
      return keys.map((key) => failures.get(keyOf(key)) ?? found.get(keyOf(key)) ?? null);
    },
    // Live state must not be cached within a request either: refresh, then read again.
    { cacheKeyFn: keyOf, cache: false },
  );
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
