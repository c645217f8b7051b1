/**
 * Content in the state file: stored files (with their fingerprints, which are plain JSON by
 * the engine contract) and every job. Indexes are rebuilt from the files on load. Jobs that
 * had not finished when the state was saved end as Fail on load: their run did not survive.
 * Result documents live in the OSS stand-in, which does not outlive a run, so DNAResult and
 * ProcessMessage URLs of loaded jobs lead nowhere.
 */
import type { MediaKind } from "../fingerprint/contract.js";
import type { EmulatorState } from "../state.js";
import { failJob } from "./fp-job-run.js";
import type { FileDeleteJob, FpJob, ImportJob, StoredFile } from "./model.js";
import { libraryKind, type ContentRuntime } from "./runtime.js";

export interface ContentSnapshot {
  fpJobs: FpJob[];
  fileDeleteJobs: FileDeleteJob[];
  importJobs: ImportJob[];
  files: Array<{ libraryId: string; file: StoredFile }>;
}

export function contentSnapshot(rt: ContentRuntime, state: EmulatorState): ContentSnapshot {
  const s = rt.store;
  return {
    fpJobs: [...s.fpJobs.values()],
    fileDeleteJobs: [...s.fileDeleteJobs.values()],
    importJobs: [...s.importJobs.values()],
    files: [...state.libraries.keys()].flatMap((libraryId) => s.files(libraryId).map((file) => ({ libraryId, file }))),
  };
}

/** Checks the shape, then loads into a cleared runtime. Returns an error message or undefined. */
export function restoreContent(rt: ContentRuntime, state: EmulatorState, snap: unknown): string | undefined {
  const c = snap as Partial<ContentSnapshot> | undefined;
  if (c === undefined) return undefined;
  if (typeof c !== "object" || c === null || ![c.fpJobs, c.fileDeleteJobs, c.importJobs, c.files].every(Array.isArray)) {
    return "content must hold the arrays fpJobs, fileDeleteJobs, importJobs and files.";
  }
  const engine = rt.deps.engine();
  const now = rt.deps.now();
  let seq = 0;
  for (const { libraryId, file } of c.files!) {
    const lib = state.libraries.get(libraryId);
    if (!lib || typeof file?.primaryKey !== "string" || typeof file.fileId !== "string") return `content.files names an unknown library or a malformed file (${libraryId}).`;
    if (!engine) return "the fingerprint engine is not running, so stored files cannot be indexed.";
    const kind: MediaKind = libraryKind(lib);
    rt.store.putFile(libraryId, file, rt.store.index(libraryId, () => engine.createIndex(kind)));
    seq = Math.max(seq, file.seq);
  }
  const interrupted = "The emulator stopped while the job ran; submit it again.";
  for (const job of c.fpJobs!) {
    if (job.status === "Queuing" || job.status === "Analysing") failJob(job, "InternalError", interrupted, now);
    rt.store.fpJobs.set(job.id, job);
    seq = Math.max(seq, job.seq);
  }
  for (const job of c.importJobs!) {
    if (job.status === "Processing") failJob(job, "InternalError", interrupted, now);
    rt.store.importJobs.set(job.id, job);
    seq = Math.max(seq, job.seq);
  }
  for (const job of c.fileDeleteJobs!) {
    if (job.status === "Queuing") failJob(job, "InternalError", interrupted, now);
    rt.store.fileDeleteJobs.set(job.id, job);
    seq = Math.max(seq, job.seq);
  }
  rt.store.advanceSeq(seq);
  return undefined;
}
