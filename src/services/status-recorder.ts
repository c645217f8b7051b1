/**
 * The one place a library's status changes in the registry. Everything that learns a new
 * status (a create, a refresh, a delete, the activation watcher) goes through here, so the
 * rules hold everywhere: the change and its event are written in one transaction, only if
 * the row still says what this writer last saw (so two writers that saw the same change make
 * one event), activatedAt is set once, and listeners hear of every recorded event once.
 */
import type { Library } from "../domain/library.js";
import type { LibraryStatus } from "../domain/model.js";
import type { LibraryEvent, Store } from "../store/ports.js";

export type LibraryEventListener = (event: LibraryEvent) => void;

export interface StatusObservation {
  status: LibraryStatus;
  rawStatus: string;
  /** undefined leaves it, null clears it. */
  deleteJobId?: string | null;
}

export class StatusRecorder {
  private readonly listeners: LibraryEventListener[] = [];

  constructor(private readonly store: Store, private readonly now: () => Date = () => new Date()) {}

  onEvent(listener: LibraryEventListener): void {
    this.listeners.push(listener);
  }

  /** Writes the observation when it differs from what the registry has; answers the library as stored. */
  async record(library: Library, observed: StatusObservation): Promise<Library> {
    const jobChanged = observed.deleteJobId !== undefined && observed.deleteJobId !== library.deleteJobId;
    if (library.status === observed.status && library.rawStatus === observed.rawStatus && !jobChanged) return library;
    const { library: stored, event } = await this.store.libraries.transition(
      library.id,
      { status: library.status, rawStatus: library.rawStatus },
      {
        status: observed.status,
        rawStatus: observed.rawStatus,
        deleteJobId: observed.deleteJobId,
        activatedAt: observed.status === "ACTIVE" && !library.activatedAt ? this.now() : undefined,
      },
    );
    if (event) for (const listener of this.listeners) listener(event);
    return stored;
  }
}
