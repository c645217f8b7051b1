/**
 * The life of a fingerprint job: Queuing -> Analysing -> Success | Fail.
 *
 * Queuing lasts the queue delay (longer while the service's queue is paused). Analysing
 * reads the media, fingerprints it, and waits in proportion to the media's length
 * (jobSecondsPerMediaSecond). At the end, in one synchronous step, the SaveType is applied
 * to the library's index, so concurrent jobs see each other's stores in finishing order:
 *   nosave    search only
 *   onlysave  store, no search
 *   forcesave search, then store
 *   save      search, then store only when no match reaches the threshold
 * ICE publishes the matches as a DNAResult document; MPS keeps them for the inline FpShotResult.
 */
import type { Fingerprint } from "../fingerprint/contract.js";
import type { Library } from "../state.js";
import { DECODE_FAILED, describeRef, fingerprintOf, readMedia, textOf, type ReadMedia } from "./media-read.js";
import type { FpJob, Hit, StoredFile } from "./model.js";
import { dnaResultKey, publish } from "./publish.js";
import { iceDnaDocument } from "./result-shapes.js";
import { JobFailure, libraryKind, type ContentRuntime } from "./runtime.js";

export const INVALID_STATE = "InvalidParameter.InvalidState";

export async function runFpJob(rt: ContentRuntime, job: FpJob): Promise<void> {
  const { deps } = rt;
  const alive = () => !rt.waits.isClosed && rt.store.fpJobs.get(job.id) === job;
  const analysing = () => alive() && job.status === "Analysing";

  if (!(await rt.queueGate(job.id, job.service, job.createdAt, () => alive() && job.status === "Queuing"))) return;
  job.status = "Analysing";
  job.startedAt = deps.now();
  try {
    activeLibrary(rt, job);
    const media = await readMedia(rt, job.owner, job.region, job.media);
    if (!analysing()) return;
    const where = describeRef(job.media);
    let bytes: Uint8Array = media.bytes;
    if (job.kind === "text") {
      job.text = textOf(media.bytes, where, job.echo.textType);
      bytes = Buffer.from(job.text, "utf8");
    }
    const fp = await fingerprintOf(rt, job.kind, bytes, where);
    if (!analysing()) return;
    job.mediaLength = fp.summary.length;
    await rt.waits.sleep(job.id, rt.analysisMs(job.kind, fp.summary.length) - (deps.now() - job.startedAt));
    if (!analysing()) return;

    const lib = activeLibrary(rt, job);
    applySaveType(rt, job, lib, fp, media);
    if (job.service === "ice") {
      const oss = deps.oss();
      if (!oss) throw new JobFailure("InternalError", "The emulator runs without its OSS stand-in, so it cannot publish the DNAResult.");
      const key = dnaResultKey(job.kind, job.id);
      await publish(oss, job.owner, job.region, key, JSON.stringify(iceDnaDocument(job.kind, job.hits ?? [])));
      if (!analysing()) return;
      job.resultKey = key;
    }
    job.status = "Success";
    job.finishedAt = deps.now();
  } catch (e) {
    if (!analysing()) return;
    if (e instanceof JobFailure) {
      failJob(job, e.code, e.message, deps.now());
    } else {
      deps.log(`content job ${job.id}: ${(e as Error).stack ?? String(e)}`);
      failJob(job, "InternalError", "The job failed because of an emulator error (see its log).", deps.now());
    }
  }
}

export function failJob(job: { status: string; code: string; message: string; finishedAt: number | null }, code: string, message: string, at: number): void {
  job.status = "Fail";
  job.code = code;
  job.message = message;
  job.finishedAt = at;
}

/** The job's library, which must still exist and be active. */
function activeLibrary(rt: ContentRuntime, job: FpJob): Library {
  const lib = rt.deps.state.owned(job.libraryId, job.owner, job.service, job.region);
  if (!lib) throw new JobFailure("InvalidParameter.ResourceNotFound", `The library ${job.libraryId} no longer exists.`);
  if (lib.status !== "active") {
    throw new JobFailure(INVALID_STATE, `The library ${job.libraryId} is ${lib.status}; jobs run only on active libraries.`);
  }
  if (libraryKind(lib) !== job.kind) throw new JobFailure(DECODE_FAILED, `The library ${job.libraryId} no longer holds ${job.kind}.`);
  return lib;
}

function applySaveType(rt: ContentRuntime, job: FpJob, lib: Library, fp: Fingerprint, media: ReadMedia): void {
  const engine = rt.deps.engine();
  if (!engine) throw new JobFailure("InternalError", "The emulator's fingerprint engine is not running.");
  const index = rt.store.index(lib.id, () => engine.createIndex(job.kind));
  const matches = job.saveType === "onlysave" ? [] : index.search(fp, { threshold: job.threshold });
  job.hits = matches.map((m): Hit => {
    const stored = rt.store.fileByKey(lib.id, m.primaryKey);
    return {
      primaryKey: m.primaryKey,
      similarity: m.similarity,
      segments: m.segments.map((s) =>
        job.kind === "text"
          ? { ...s, inputText: (job.text ?? "").slice(s.inputStart, s.inputEnd), duplicationText: (stored?.text ?? "").slice(s.matchStart, s.matchEnd) }
          : { ...s },
      ),
    };
  });
  const store = job.saveType === "onlysave" || job.saveType === "forcesave" || (job.saveType === "save" && matches.length === 0);
  if (!store) return;
  const file: StoredFile = {
    fileId: rt.store.freshId((id) => rt.deps.state.libraries.has(id)),
    primaryKey: job.primaryKey,
    storedAt: rt.deps.now(),
    // MPS shows the InputFile as sent (Object URL-encoded); ICE shows the object it read.
    inputFile: job.echo.inputFile
      ? { ...job.echo.inputFile, Location: job.echo.inputFile.Location || media.location }
      : { Bucket: media.info.bucket, Location: media.location, Object: media.info.key },
    fingerprint: fp,
    text: job.kind === "text" ? job.text : null,
    seq: rt.store.nextSeq(),
  };
  rt.store.putFile(lib.id, file, index);
  job.stored = true;
  job.fileId = file.fileId;
}
