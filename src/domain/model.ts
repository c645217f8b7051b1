/**
 * The vocabulary shared by every layer: which media a library fingerprints, which cloud
 * service hosts it, and the one status enum both services are normalized into.
 * Values are the GraphQL enum names, so they travel unchanged from the schema to the store.
 */
export const FINGERPRINT_MODELS = ["VIDEO", "AUDIO", "IMAGE", "TEXT"] as const;
export type FingerprintModel = (typeof FINGERPRINT_MODELS)[number];

export const FINGERPRINT_BACKENDS = ["ICE", "MPS"] as const;
export type FingerprintBackend = (typeof FINGERPRINT_BACKENDS)[number];

export const LIBRARY_STATUSES = ["OFFLINE", "ACTIVE", "PAUSED", "DELETING", "DELETED", "UNKNOWN"] as const;
export type LibraryStatus = (typeof LIBRARY_STATUSES)[number];

/** Statuses that can still change on the backend, so the watcher keeps reading them. */
export const UNSETTLED_STATUSES: readonly LibraryStatus[] = ["OFFLINE", "PAUSED", "DELETING", "UNKNOWN"];

/** Text libraries exist only in this region, on both services (see the API spec, section 5). */
export const TEXT_ONLY_REGION = "cn-shanghai";

/** Both services document at most 10 library ids per List call (MPS hard, ICE recommended). */
export const MAX_IDS_PER_LIST_CALL = 10;

export function isFingerprintModel(value: unknown): value is FingerprintModel {
  return typeof value === "string" && (FINGERPRINT_MODELS as readonly string[]).includes(value);
}

export function isFingerprintBackend(value: unknown): value is FingerprintBackend {
  return typeof value === "string" && (FINGERPRINT_BACKENDS as readonly string[]).includes(value);
}

export function otherBackend(backend: FingerprintBackend): FingerprintBackend {
  return backend === "ICE" ? "MPS" : "ICE";
}

/**
 * The watcher's unit of ownership: every library belongs to one shard (from its id), and an
 * instance polls only the shards whose lease it holds.
 */
export const WATCHER_SHARD_COUNT = 16;

export function shardOf(libraryId: string): number {
  let hash = 0;
  for (let i = 0; i < libraryId.length; i++) hash = (Math.imul(hash, 31) + libraryId.charCodeAt(i)) | 0;
  return Math.abs(hash) % WATCHER_SHARD_COUNT;
}
