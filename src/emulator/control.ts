/**
 * The control API's operations, typed, for in-process use (RunningEmulator.control).
 * The HTTP routes under /_emulator/ (control-http.ts) call exactly these methods.
 */
import {
  ContentControlError,
  checkService,
  contentState,
  failContentJob,
  finishContentJob,
  type ContentJobView,
  type ContentStateView,
} from "./content/control.js";
import type { EmulatorCore } from "./core.js";
import { FaultError, normalizeFault, type ActiveFault, type FaultSpec } from "./faults.js";
import type { OssBucketView } from "./oss/store.js";
import { SettingsError, applySettingsPatch, type EmulatorSettings, type SettingsPatch } from "./settings.js";
import { SnapshotError, loadSnapshot, saveSnapshot, type SnapshotSummary } from "./snapshot.js";
import type { DeleteJob, Library } from "./state.js";
import { formatTimestamp } from "./time.js";

/** A library as the control API shows it (both services in one shape). */
export interface LibraryView {
  service: "ice" | "mps";
  id: string;
  owner: string;
  name: string;
  description: string;
  status: string;
  /** ICE only. */
  model?: string;
  /** MPS only. */
  modelId?: number;
  /** MPS only. */
  config?: string;
  region: string;
  createdAt: string;
  /** When an offline library turns active; null if not scheduled. */
  activatesAt: string | null;
}

export interface JobView {
  id: string;
  service: "mps";
  owner: string;
  fpDBId: string;
  delType: string;
  status: string;
  code: string;
  message: string;
  pipelineId?: string;
  userData?: string;
  createdAt: string;
  /** When a queued job finishes by itself. */
  finishesAt: string;
  finishedAt: string | null;
}

/** GET /_emulator/state. Accounts are listed by AccessKeyId only: never secrets. */
export interface EmulatorStateView {
  settings: EmulatorSettings;
  accounts: Array<{ accessKeyId: string }>;
  libraries: LibraryView[];
  jobs: JobView[];
  faults: Record<string, ActiveFault>;
  /** Content jobs (DNA, FpShot, file-delete, import), stored files, paused queues. */
  content: ContentStateView;
  /** OSS stand-in: buckets with their objects' keys and sizes (never bytes). */
  oss: { buckets: OssBucketView[] };
}

export interface EmulatorControl {
  /** Clears libraries, jobs, OSS buckets and objects, faults, nonces and throttle state; settings stay. */
  reset(): void;
  state(): EmulatorStateView;
  settings(): EmulatorSettings;
  updateSettings(patch: SettingsPatch): EmulatorSettings;
  /** Sets status active now (any service). */
  activate(id: string): LibraryView;
  /** Sets status paused (cancels a pending activation). */
  pause(id: string): LibraryView;
  /** Removes the library now; returns it as it was. */
  deleteLibrary(id: string): LibraryView;
  /** Finishes a queued MPS delete job now. */
  finishJob(jobId: string): JobView;
  setFault(action: string, fault: FaultSpec): ActiveFault;
  clearFault(action: string): boolean;
  clearFaults(): void;
  faults(): Record<string, ActiveFault>;
  saveState(path: string): Promise<SnapshotSummary>;
  /** Replaces libraries and jobs with the snapshot's. */
  loadState(path: string): Promise<SnapshotSummary>;
  /** Runs a content job to its end now (no queue delay, paused queue or analysis wait). */
  finishContentJob(jobId: string): Promise<ContentJobView>;
  /** Ends a running content job with Fail and this Code/Message. */
  failContentJob(jobId: string, failure?: { code?: string; message?: string }): ContentJobView;
  /** Keeps new content jobs of the service Queuing (like pausing the MPS queue) until resumed. */
  pauseQueue(service: "ice" | "mps"): { service: string; paused: boolean };
  resumeQueue(service: "ice" | "mps"): { service: string; paused: boolean };
}

/** A refused control operation; httpStatus is what the HTTP route answers. */
export class ControlError extends Error {
  override name = "ControlError";
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function libraryView(lib: Library): LibraryView {
  return {
    service: lib.service,
    id: lib.id,
    owner: lib.owner,
    name: lib.name,
    description: lib.description,
    status: lib.status,
    ...(lib.service === "ice" ? { model: lib.model } : { modelId: lib.modelId, config: lib.config }),
    region: lib.region,
    createdAt: formatTimestamp(lib.createdAt),
    activatesAt: lib.activatesAt === null ? null : new Date(lib.activatesAt).toISOString(),
  };
}

export function jobView(job: DeleteJob): JobView {
  return {
    id: job.id,
    service: "mps",
    owner: job.owner,
    fpDBId: job.fpDBId,
    delType: job.delType,
    status: job.status,
    code: job.code,
    message: job.message,
    ...(job.pipelineId !== undefined ? { pipelineId: job.pipelineId } : {}),
    ...(job.userData !== undefined ? { userData: job.userData } : {}),
    createdAt: formatTimestamp(job.createdAt),
    finishesAt: new Date(job.finishesAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : formatTimestamp(job.finishedAt),
  };
}

export function createControl(core: EmulatorCore): EmulatorControl {
  const settled = () => {
    const now = core.now();
    core.state.settle(now);
    return now;
  };
  const library = (id: string): Library => {
    settled();
    const lib = core.state.libraries.get(id);
    if (!lib) throw new ControlError(404, "LibraryNotFound", `No library has the id ${id} (DBId or FpDBId).`);
    return lib;
  };

  return {
    reset: () => core.reset(),

    state: () => {
      settled();
      return {
        settings: structuredClone(core.settings),
        accounts: [...core.accounts.keys()].map((accessKeyId) => ({ accessKeyId })),
        libraries: [...core.state.libraries.values()].map(libraryView),
        jobs: [...core.state.jobs.values()].map(jobView),
        faults: core.faults.list(),
        content: contentState(core.content, core.state.libraries.keys()),
        oss: { buckets: core.oss.view() },
      };
    },

    settings: () => structuredClone(core.settings),

    updateSettings: (patch) => {
      try {
        core.settings = applySettingsPatch(core.settings, patch);
      } catch (e) {
        if (e instanceof SettingsError) throw new ControlError(400, "InvalidSettings", e.message);
        throw e;
      }
      return structuredClone(core.settings);
    },

    activate: (id) => {
      const lib = library(id);
      core.state.activate(lib);
      return libraryView(lib);
    },

    pause: (id) => {
      const lib = library(id);
      core.state.pause(lib);
      return libraryView(lib);
    },

    deleteLibrary: (id) => {
      const lib = library(id);
      core.state.remove(id);
      return libraryView(lib);
    },

    finishJob: (jobId) => {
      const now = settled();
      const job = core.state.jobs.get(jobId);
      if (!job) throw new ControlError(404, "JobNotFound", `No MPS delete job has the id ${jobId}.`);
      if (job.status !== "Queuing") {
        throw new ControlError(409, "JobAlreadyFinished", `The job ${jobId} has already finished with status ${job.status}.`);
      }
      core.state.finishJob(job, now);
      return jobView(job);
    },

    setFault: (action, fault) => {
      try {
        const active = normalizeFault(action, fault);
        core.faults.set(action, active);
        return { ...active };
      } catch (e) {
        if (e instanceof FaultError) throw new ControlError(400, "InvalidFault", e.message);
        throw e;
      }
    },

    clearFault: (action) => core.faults.delete(action),
    clearFaults: () => core.faults.clear(),
    faults: () => core.faults.list(),

    saveState: async (path) => {
      settled();
      return snapshotErrors(() => saveSnapshot(checkPath(path), core.state, core.content));
    },

    loadState: async (path) => snapshotErrors(() => loadSnapshot(checkPath(path), core.state, core.content)),

    finishContentJob: (jobId) => contentErrors(() => finishContentJob(core.content, jobId)),
    failContentJob: (jobId, failure) => contentErrors(() => failContentJob(core.content, jobId, failure?.code, failure?.message)),
    pauseQueue: (service) =>
      contentErrors(() => {
        core.content.pauseQueue(checkService(service));
        return { service, paused: true };
      }),
    resumeQueue: (service) =>
      contentErrors(() => {
        core.content.resumeQueue(checkService(service));
        return { service, paused: false };
      }),
  };
}

function contentErrors<T>(run: () => T): T {
  const translate = (e: unknown): never => {
    if (e instanceof ContentControlError) throw new ControlError(e.httpStatus, e.code, e.message);
    throw e;
  };
  try {
    const out = run();
    return (out instanceof Promise ? out.catch(translate) : out) as T;
  } catch (e) {
    return translate(e);
  }
}

async function snapshotErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof SnapshotError) throw new ControlError(400, "InvalidSnapshot", e.message);
    throw e;
  }
}

function checkPath(path: unknown): string {
  if (typeof path !== "string" || path.trim() === "") {
    throw new ControlError(400, "InvalidPath", "path must be a non-empty file path string.");
  }
  return path;
}
