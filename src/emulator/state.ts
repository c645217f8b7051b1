/**
 * The emulated resources: libraries of both services and MPS delete jobs.
 *
 * Time-driven transitions (offline -> active, a delete job finishing) are not run by
 * timers. Each library and job records when its transition is due, and settle(now)
 * applies every due transition before anything is read or changed. Observers cannot
 * tell the difference, the emulator needs no timer bookkeeping, and a stalled event
 * loop cannot make a transition late.
 */
import { newHexId } from "./ids.js";

export type LibraryStatus = "offline" | "active" | "paused";
export type IceModel = "Video" | "Audio" | "Image" | "Text";
export type Service = "ice" | "mps";

interface LibraryBase {
  id: string;
  /** AccessKeyId of the account that created it: no other account sees it. */
  owner: string;
  name: string;
  description: string;
  status: LibraryStatus;
  /** Region the create request was handled in: only requests handled in it see the library. */
  region: string;
  createdAt: number;
  /** When an offline library turns active; null once active or after a pause. */
  activatesAt: number | null;
}

export interface IceLibrary extends LibraryBase {
  service: "ice";
  model: IceModel;
}

export interface MpsLibrary extends LibraryBase {
  service: "mps";
  modelId: number;
  config: string;
}

export type Library = IceLibrary | MpsLibrary;

export type DelType = "Purge" | "Delete";
export type JobStatus = "Queuing" | "Success" | "Fail";

/** An MPS SubmitFpDBDeleteJob job. */
export interface DeleteJob {
  id: string;
  owner: string;
  fpDBId: string;
  /** Region it was submitted in; absent in snapshots written before jobs were regional (seen everywhere). */
  region?: string;
  delType: DelType;
  status: JobStatus;
  code: string;
  message: string;
  pipelineId?: string;
  userData?: string;
  createdAt: number;
  /** When a queued job finishes by itself. */
  finishesAt: number;
  finishedAt: number | null;
}

export class EmulatorState {
  readonly libraries = new Map<string, Library>();
  /** Called with the id of every removed library (content jobs and files go with it) and with null on clear. */
  readonly onLibraryRemoved: Array<(id: string | null) => void> = [];
  /** Insertion order is creation order, which "latest 20 jobs" relies on. */
  readonly jobs = new Map<string, DeleteJob>();

  /** Applies every transition due at or before `now`, in the order they fell due. */
  settle(now: number): void {
    const due: Array<{ at: number; apply: () => void }> = [];
    for (const lib of this.libraries.values()) {
      if (lib.status === "offline" && lib.activatesAt !== null && lib.activatesAt <= now) {
        due.push({ at: lib.activatesAt, apply: () => this.activate(lib) });
      }
    }
    for (const job of this.jobs.values()) {
      if (job.status === "Queuing" && job.finishesAt <= now) {
        due.push({ at: job.finishesAt, apply: () => this.finishJob(job, job.finishesAt) });
      }
    }
    due.sort((a, b) => a.at - b.at).forEach((d) => d.apply());
  }

  /** An id not used by any library or job. */
  freshId(): string {
    for (;;) {
      const id = newHexId();
      if (!this.libraries.has(id) && !this.jobs.has(id)) return id;
    }
  }

  add(lib: Library): void {
    this.libraries.set(lib.id, lib);
  }

  /**
   * The library with this id if `owner` may see it through `service` in `region`.
   * Libraries are regional: the same account asking in another region does not see it.
   */
  owned(id: string, owner: string, service: Service, region: string): Library | undefined {
    const lib = this.libraries.get(id);
    return lib && lib.owner === owner && lib.service === service && lib.region === region ? lib : undefined;
  }

  ownedBy(owner: string, service: Service, region: string): Library[] {
    return [...this.libraries.values()].filter((l) => l.owner === owner && l.service === service && l.region === region);
  }

  /** A delete job `owner` may see in `region`. */
  ownedJob(id: string, owner: string, region: string): DeleteJob | undefined {
    const job = this.jobs.get(id);
    return job && job.owner === owner && (job.region === undefined || job.region === region) ? job : undefined;
  }

  activate(lib: Library): void {
    lib.status = "active";
    lib.activatesAt = null;
  }

  pause(lib: Library): void {
    lib.status = "paused";
    lib.activatesAt = null;
  }

  remove(id: string): boolean {
    const removed = this.libraries.delete(id);
    if (removed) this.onLibraryRemoved.forEach((f) => f(id));
    return removed;
  }

  addJob(job: DeleteJob): void {
    this.jobs.set(job.id, job);
  }

  /**
   * Finishes a queued job: Delete removes the library, Purge keeps it (the emulator
   * stores no fingerprint files, so there is nothing to empty). A library that vanished
   * meanwhile (control API, an earlier job) makes the job fail the way a real one would.
   */
  finishJob(job: DeleteJob, at: number): void {
    if (job.status !== "Queuing") return;
    job.finishedAt = at;
    const target = this.libraries.get(job.fpDBId);
    const lib = target && this.owned(job.fpDBId, job.owner, "mps", job.region ?? target.region);
    if (!lib) {
      job.status = "Fail";
      job.code = "InvalidParameter.ResourceNotFound";
      job.message = `The library ${job.fpDBId} no longer exists.`;
      return;
    }
    if (job.delType === "Delete") this.remove(lib.id);
    job.status = "Success";
  }

  clear(): void {
    this.libraries.clear();
    this.jobs.clear();
    this.onLibraryRemoved.forEach((f) => f(null));
  }
}
