import type { LibraryStatus } from "./model.js";

/**
 * ICE reports `Status` (offline, active, deleted); MPS reports `State` on create and
 * `Status` on list (offline, active, paused, deleted). The words are the same across both
 * services, so one table serves both; what differs is which field carries the word, and the
 * adapters in src/backends know that. Matching is case-insensitive and ignores surrounding
 * space because neither service documents the case it uses.
 */
const STATUS_WORDS: Readonly<Record<string, LibraryStatus>> = {
  offline: "OFFLINE",
  active: "ACTIVE",
  paused: "PAUSED",
  deleted: "DELETED",
  // Not documented by either service, but a job-style word is plausible during deletion.
  deleting: "DELETING",
};

export interface NormalizedStatus {
  status: LibraryStatus;
  /** The backend's word exactly as it came, so an UNKNOWN stays diagnosable. */
  rawStatus: string;
}

export function normalizeStatus(raw: unknown): NormalizedStatus {
  const rawStatus = raw === undefined || raw === null ? "" : String(raw);
  const status = STATUS_WORDS[rawStatus.trim().toLowerCase()] ?? "UNKNOWN";
  return { status, rawStatus };
}
