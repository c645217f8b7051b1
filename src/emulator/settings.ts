/**
 * Settings that may change while the emulator runs (PATCH /_emulator/settings).
 * They are validated here once, for both the HTTP control API and the in-process twin.
 */
import { ALL_ACTIONS } from "./services/actions.js";

export interface EmulatorSettings {
  /** Region used when the Host header does not name one. */
  region: string;
  activationDelayMs: number;
  activationJitterMs: number;
  deleteJobDelayMs: number;
  /** Libraries per account per service (libraries not yet deleted). */
  libraryQuota: number;
  /** Requests per second per account, by action. */
  qpsLimits: Record<string, number>;
  clockSkewToleranceMs: number;
  /** How long a content job stays Queuing before it starts (unless its queue is paused). */
  jobQueueDelayMs: number;
  /** Analysis time per second of media (text: per 50 characters; image: per image). 0 = instant. */
  jobSecondsPerMediaSecond: number;
  /** Largest object the OSS stand-in accepts, in bytes (EntityTooLarge above). */
  ossMaxObjectBytes: number;
}

/** What PATCH /_emulator/settings accepts. qpsLimits is merged into the current map. */
export interface SettingsPatch {
  region?: string;
  activationDelayMs?: number;
  activationJitterMs?: number;
  deleteJobDelayMs?: number;
  libraryQuota?: number;
  qpsLimits?: Partial<Record<string, number>>;
  jobQueueDelayMs?: number;
  jobSecondsPerMediaSecond?: number;
  ossMaxObjectBytes?: number;
}

/**
 * QPS defaults: the MPS values are the documented ones (newest doc revisions; ListFpShotImportJob
 * states none and takes 100); ICE's DNA pages state none, so ICE uses 100 as well (an emulator choice).
 */
export const DEFAULT_QPS_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  CreateDNADB: 100,
  ListDNADB: 100,
  DeleteDNADB: 100,
  CreateFpShotDB: 100,
  ListFpShotDB: 100,
  SubmitFpDBDeleteJob: 100,
  QueryFpDBDeleteJobList: 100,
  SubmitDNAJob: 100,
  QueryDNAJobList: 100,
  CancelDNAJob: 100,
  ListDNAFiles: 100,
  DeleteDNAFiles: 100,
  SubmitFpShotJob: 100,
  QueryFpShotJobList: 100,
  ListFpShotFiles: 100,
  SubmitFpFileDeleteJob: 10,
  QueryFpFileDeleteJobList: 500,
  ImportFpShotJob: 100,
  ListFpShotImportJob: 100,
});

export class SettingsError extends Error {
  override name = "SettingsError";
}

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const PATCHABLE = new Set([
  "region",
  "activationDelayMs",
  "activationJitterMs",
  "deleteJobDelayMs",
  "libraryQuota",
  "qpsLimits",
  "jobQueueDelayMs",
  "jobSecondsPerMediaSecond",
  "ossMaxObjectBytes",
]);

/** Returns a new settings object with the patch applied, or throws SettingsError naming the bad field. */
export function applySettingsPatch(current: EmulatorSettings, patch: unknown): EmulatorSettings {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
    throw new SettingsError("Settings must be a JSON object.");
  }
  for (const key of Object.keys(patch)) {
    if (!PATCHABLE.has(key)) {
      throw new SettingsError(`Unknown setting ${key}; changeable at run time: ${[...PATCHABLE].join(", ")}.`);
    }
  }
  const p = patch as Record<string, unknown>;
  const next: EmulatorSettings = { ...current, qpsLimits: { ...current.qpsLimits } };
  if (p.region !== undefined) next.region = checkRegion("region", p.region);
  if (p.activationDelayMs !== undefined) next.activationDelayMs = checkCount("activationDelayMs", p.activationDelayMs);
  if (p.activationJitterMs !== undefined) next.activationJitterMs = checkCount("activationJitterMs", p.activationJitterMs);
  if (p.deleteJobDelayMs !== undefined) next.deleteJobDelayMs = checkCount("deleteJobDelayMs", p.deleteJobDelayMs);
  if (p.libraryQuota !== undefined) next.libraryQuota = checkCount("libraryQuota", p.libraryQuota);
  if (p.ossMaxObjectBytes !== undefined) next.ossMaxObjectBytes = checkCount("ossMaxObjectBytes", p.ossMaxObjectBytes);
  if (p.qpsLimits !== undefined) Object.assign(next.qpsLimits, checkQpsLimits(p.qpsLimits));
  if (p.jobQueueDelayMs !== undefined) next.jobQueueDelayMs = checkCount("jobQueueDelayMs", p.jobQueueDelayMs);
  if (p.jobSecondsPerMediaSecond !== undefined) next.jobSecondsPerMediaSecond = checkRatio("jobSecondsPerMediaSecond", p.jobSecondsPerMediaSecond);
  return next;
}

export function checkRegion(field: string, value: unknown): string {
  if (typeof value !== "string" || !REGION.test(value)) {
    throw new SettingsError(`${field} must be a region id like cn-shanghai, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A non-negative integer (milliseconds, counts). */
export function checkCount(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new SettingsError(`${field} must be a non-negative integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A finite number >= 0 (a time factor). */
export function checkRatio(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SettingsError(`${field} must be a number >= 0, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function checkQpsLimits(value: unknown): Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SettingsError(`qpsLimits must be an object of action name to requests per second.`);
  }
  const out: Record<string, number> = {};
  for (const [action, limit] of Object.entries(value)) {
    if (!ALL_ACTIONS.includes(action)) {
      throw new SettingsError(`qpsLimits names unknown action ${action}; known: ${ALL_ACTIONS.join(", ")}.`);
    }
    if (typeof limit !== "number" || !Number.isFinite(limit) || limit <= 0) {
      throw new SettingsError(`qpsLimits.${action} must be a positive number, got ${JSON.stringify(limit)}.`);
    }
    out[action] = limit;
  }
  return out;
}
