/**
 * The one place a library's status changes in the registry. Everything that learns a new
 * status (a create, a refresh, a delete, the activation watcher) goes through here, so the
 * rules hold everywhere: activatedAt is set once, on the first ACTIVE, and listeners hear
 * of every real change exactly once.
 */
import type { Library } from "../domain/library.js";
import type { LibraryStatus } from "../domain/model.js";
import type { Store } from "../store/ports.js";

export interface StatusChange {
  library: Library;
  previousStatus: LibraryStatus;
}

export type StatusChangeListener = (change: StatusChange) => void | Promise<void>;

export interface StatusObservation {
  status: LibraryStatus;
  rawStatus: string;
  /** undefined leaves it, null clears it. */
  deleteJobId?: string | null;
}

export class StatusRecorder {
  private readonly listeners: StatusChangeListener[] = [];

  constructor(private readonly store: Store, private readonly now: () => Date = () => new Date()) {}

  onChange(listener: StatusChangeListener): void {
    this.listeners.push(listener);
  }

  /** Writes the observation when it differs from what the registry has; answers the library as stored. */
  async record(library: Library, observed: StatusObservation): Promise<Library> {
    const jobChanged = observed.deleteJobId !== undefined && observed.deleteJobId !== library.deleteJobId;
    if (library.status === observed.status && library.rawStatus === observed.rawStatus && !jobChanged) return library;
    const updated = await this.store.libraries.updateStatus(library.id, {
      status: observed.status,
      rawStatus: observed.rawStatus,
      deleteJobId: observed.deleteJobId,
      activatedAt: observed.status === "ACTIVE" && !library.activatedAt ? this.now() : undefined,
    });
    if (updated.status !== library.status) {
      for (const listener of this.listeners) await listener({ library: updated, previousStatus: library.status });
    }
    return updated;
  }
}
