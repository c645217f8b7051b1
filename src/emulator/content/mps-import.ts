/**
 * MPS ImportFpShotJob / ListFpShotImportJob: bulk import of texts into a text library
 * (cn-shanghai only). The import file's format is undocumented; the emulator reads JSON
 * lines, one item per line: {"PrimaryKey":"k1","Text":"..."}. The job ends Success (Code
 * "0", Message "Success") once the file was read, and ProcessMessage links a report with
 * one line per item: `<line>\t<PrimaryKey>\t<Stored|Duplicate of <key>|Fail: reason>`.
 * Only one import job per library runs at a time. The list answer differs from the other
 * MPS lists on purpose: flat arrays, CreateTime, Status Processing|Fail|Success.
 */
import { invalidParameter, notSupported } from "../errors.js";
import type { Fingerprint } from "../fingerprint/contract.js";
import { idList, optional, required, userData } from "../services/params.js";
import type { ActionContext, ActionHandler } from "../services/types.js";
import { formatTimestamp } from "../time.js";
import { invalidState, requireActive } from "./common-params.js";
import { failJob } from "./fp-job-run.js";
import { parseImportConfig } from "./job-config.js";
import { DECODE_FAILED, describeRef, fingerprintOf, readMedia, textOf } from "./media-read.js";
import { parseMpsInput } from "./media-input.js";
import type { ImportJob, StoredFile } from "./model.js";
import { mpsLibrary } from "./mps-actions.js";
import { importReportKey, publish, resultUrl } from "./publish.js";
import { REGIONS, checkRegion } from "./regions.js";
import { JobFailure, libraryKind, type ContentRuntime } from "./runtime.js";
import { DEFAULT_SIMILARITY_THRESHOLD } from "./job-config.js";

function importFpShotJob(ctx: ActionContext) {
  checkRegion(ctx.region, REGIONS.Text, "ImportFpShotJob (text libraries)");
  const fpDBId = required(ctx, "FpDBId");
  const rawInput = required(ctx, "Input");
  const rawConfig = required(ctx, "FpImportConfig");
  const data = userData(ctx);
  const pipelineId = optional(ctx, "PipelineId");
  const input = parseMpsInput(rawInput);
  if (input.ref.type !== "oss") throw invalidParameter(`ImportFpShotJob reads an OSS text file: Input must be {"Bucket","Location","Object"}.`);
  const saveType = parseImportConfig(rawConfig);
  const lib = mpsLibrary(ctx, fpDBId, "FpDBId");
  if (libraryKind(lib) !== "text") {
    throw notSupported(`ImportFpShotJob imports into text libraries (ModelId 11); the library ${lib.id} has ModelId ${lib.modelId}.`);
  }
  requireActive(lib, "FpDBId", "ListFpShotDB");
  const rt = ctx.content;
  const running = [...rt.store.importJobs.values()].find((j) => j.libraryId === lib.id && j.status === "Processing");
  if (running) throw invalidState(`The import job ${running.id} is still Processing on library ${lib.id}; only one import job per library runs at a time.`);

  const job: ImportJob = {
    id: rt.store.freshId((id) => ctx.state.libraries.has(id) || ctx.state.jobs.has(id)),
    owner: ctx.accessKeyId,
    libraryId: lib.id,
    media: input.ref,
    region: ctx.region,
    input: rawInput,
    importConfig: rawConfig,
    saveType,
    status: "Processing",
    code: "",
    message: "",
    reportKey: null,
    ...(pipelineId !== undefined ? { pipelineId } : {}),
    ...(data !== undefined ? { userData: data } : {}),
    createdAt: ctx.now,
    finishedAt: null,
    seq: rt.store.nextSeq(),
  };
  rt.store.importJobs.set(job.id, job);
  rt.start(job.id, () => runImportJob(rt, job));
  return { JobId: job.id };
}

interface Item {
  line: number;
  primaryKey?: string;
  text?: string;
  fingerprint?: Fingerprint;
  outcome?: string;
}

function parseLines(text: string): Item[] {
  const items: Item[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    const item: Item = { line: i + 1 };
    try {
      const o = JSON.parse(raw) as { PrimaryKey?: unknown; Text?: unknown };
      if (typeof o?.PrimaryKey !== "string" || o.PrimaryKey === "" || typeof o.Text !== "string" || o.Text === "") {
        item.outcome = 'Fail: a line must be {"PrimaryKey":"...","Text":"..."} with both non-empty';
      } else {
        item.primaryKey = o.PrimaryKey;
        item.text = o.Text;
      }
    } catch (e) {
      item.outcome = `Fail: not JSON (${(e as Error).message})`;
    }
    items.push(item);
  });
  return items;
}

async function runImportJob(rt: ContentRuntime, job: ImportJob): Promise<void> {
  const { deps } = rt;
  const processing = () => !rt.waits.isClosed && rt.store.importJobs.get(job.id) === job && job.status === "Processing";
  if (!(await rt.queueGate(job.id, "mps", job.createdAt, processing))) return;
  const started = deps.now();
  try {
    const where = describeRef(job.media);
    const media = await readMedia(rt, job.owner, job.region, job.media);
    if (!processing()) return;
    const items = parseLines(textOf(media.bytes, where, "Text"));
    if (items.length === 0) throw new JobFailure(DECODE_FAILED, `The import file ${where} holds no items; write one {"PrimaryKey":"...","Text":"..."} per line.`);
    let chars = 0;
    for (const item of items) {
      if (item.text === undefined) continue;
      try {
        item.fingerprint = await fingerprintOf(rt, "text", Buffer.from(item.text, "utf8"), `${where} line ${item.line}`);
        chars += item.text.length;
      } catch (e) {
        if (!(e instanceof JobFailure)) throw e;
        item.outcome = `Fail: ${e.message}`;
      }
      if (!processing()) return;
    }
    await rt.waits.sleep(job.id, rt.analysisMs("text", chars) - (deps.now() - started));
    if (!processing()) return;

    const lib = deps.state.owned(job.libraryId, job.owner, "mps", job.region);
    if (!lib || lib.status !== "active") throw new JobFailure("InvalidParameter.InvalidState", `The library ${job.libraryId} is no longer active.`);
    const engine = deps.engine();
    if (!engine) throw new JobFailure("InternalError", "The emulator's fingerprint engine is not running.");
    const index = rt.store.index(lib.id, () => engine.createIndex("text"));
    for (const item of items) {
      if (!item.fingerprint) continue;
      const dup = job.saveType === "save" ? index.search(item.fingerprint, { threshold: DEFAULT_SIMILARITY_THRESHOLD, limit: 1 })[0] : undefined;
      if (dup) {
        item.outcome = `Duplicate of ${dup.primaryKey}`;
        continue;
      }
      const file: StoredFile = {
        fileId: rt.store.freshId((id) => deps.state.libraries.has(id)),
        primaryKey: item.primaryKey!,
        storedAt: deps.now(),
        inputFile: { Bucket: job.media.bucket, Location: media.location, Object: job.media.key },
        fingerprint: item.fingerprint,
        text: item.text!,
        seq: rt.store.nextSeq(),
      };
      rt.store.putFile(lib.id, file, index);
      item.outcome = "Stored";
    }
    const oss = deps.oss();
    if (!oss) throw new JobFailure("InternalError", "The emulator runs without its OSS stand-in, so it cannot publish the import report.");
    const key = importReportKey(job.id);
    const report = items.map((i) => `${i.line}\t${i.primaryKey ?? ""}\t${i.outcome}`).join("\n") + "\n";
    await publish(oss, job.owner, job.region, key, report);
    if (!processing()) return;
    job.reportKey = key;
    job.status = "Success";
    job.code = "0";
    job.message = "Success";
    job.finishedAt = deps.now();
  } catch (e) {
    if (!processing()) return;
    if (e instanceof JobFailure) failJob(job, e.code, e.message, deps.now());
    else {
      deps.log(`import job ${job.id}: ${(e as Error).stack ?? String(e)}`);
      failJob(job, "InternalError", "The import failed because of an emulator error (see its log).", deps.now());
    }
  }
}

function view(ctx: ActionContext, job: ImportJob) {
  const url = resultUrl(ctx.content.deps.oss(), job.owner, job.reportKey);
  return {
    Id: job.id,
    FpDBId: job.libraryId,
    ...(job.pipelineId !== undefined ? { PipelineId: job.pipelineId } : {}),
    Input: job.input,
    FpImportConfig: job.importConfig,
    Status: job.status,
    Code: job.code,
    Message: job.message,
    ...(url !== undefined ? { ProcessMessage: url } : {}),
    CreateTime: formatTimestamp(job.createdAt),
    ...(job.finishedAt !== null ? { FinishTime: formatTimestamp(job.finishedAt) } : {}),
    ...(job.userData !== undefined ? { UserData: job.userData } : {}),
  };
}

/** JobIds is required (at most 10); NonExistIds is a flat array here. */
function listFpShotImportJob(ctx: ActionContext) {
  required(ctx, "JobIds");
  const ids = idList(ctx, "JobIds", 10);
  const found: ImportJob[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const job = ctx.content.store.importJobs.get(id);
    if (job && job.owner === ctx.accessKeyId && job.region === ctx.region) found.push(job);
    else missing.push(id);
  }
  return { FpShotImportJobList: found.map((j) => view(ctx, j)), NonExistIds: missing };
}

export const MPS_IMPORT_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ImportFpShotJob: importFpShotJob,
  ListFpShotImportJob: listFpShotImportJob,
};
