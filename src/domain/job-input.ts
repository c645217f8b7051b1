/**
 * The rules a fingerprint job's input must meet before any backend call. Both services
 * document little (a PrimaryKey "you are responsible for"; UserData <= 128 bytes; the bucket
 * in the library's region), so the gateway adds what keeps a job from failing later or
 * poisoning the library: a primary key with no comma (ICE deletes keys as a comma-separated
 * list, so a key with a comma could never be deleted), OSS's own naming rules, and text
 * that both databases can store.
 */
import { createHash, randomUUID } from "node:crypto";
import { badInput } from "./errors.js";
import { requireStorable } from "./storable-text.js";
import { DEFAULT_SIMILARITY_THRESHOLD, SAVE_TYPES, stores, type JobMode } from "./job.js";
import type { FingerprintBackend } from "./model.js";

export const PRIMARY_KEY_MAX_LENGTH = 128;
export const USER_DATA_MAX_BYTES = 128;
export const OBJECT_KEY_MAX_BYTES = 1023;
export const JOB_IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const MEDIA_ID_MAX_LENGTH = 128;

export interface MediaRequest {
  oss?: { bucket: string; object: string; location?: string | null } | null;
  mediaId?: string | null;
}

export interface SubmitJobRequest {
  media: MediaRequest;
  mode: JobMode;
  primaryKey?: string | null;
  idempotencyKey?: string | null;
  similarityThreshold?: number | null;
  userData?: string | null;
}

export type ValidMedia = { kind: "oss"; bucket: string; object: string; location: string } | { kind: "mediaId"; mediaId: string };

export interface ValidSubmitJob {
  media: ValidMedia;
  mode: JobMode;
  primaryKey: string;
  /** True when the gateway made the key (a SEARCH without one). */
  generatedPrimaryKey: boolean;
  idempotencyKey: string | null;
  similarityThreshold: number;
  userData: string | null;
}

/** What the library adds to the rules: where it lives and who hosts it. */
export interface JobLibraryFacts {
  region: string;
  backend: FingerprintBackend;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const PRIMARY_KEY = /^[A-Za-z0-9._:@/+=-]+$/;
const MEDIA_ID = /^[A-Za-z0-9_-]+$/;

export function validateMedia(media: MediaRequest, library: JobLibraryFacts, field = "media"): ValidMedia {
  const hasOss = media.oss !== undefined && media.oss !== null;
  const hasMediaId = media.mediaId !== undefined && media.mediaId !== null;
  if (hasOss === hasMediaId) throw badInput(field, `${field} takes exactly one of oss or mediaId.`);
  if (hasMediaId) {
    const mediaId = media.mediaId!.trim();
    if (library.backend !== "ICE") {
      throw badInput(`${field}.mediaId`, "mediaId names an ICE media asset; this library is on MPS, which reads media from OSS only. Use media.oss.");
    }
    if (!mediaId || mediaId.length > MEDIA_ID_MAX_LENGTH || !MEDIA_ID.test(mediaId)) {
      throw badInput(`${field}.mediaId`, `mediaId must be 1 to ${MEDIA_ID_MAX_LENGTH} letters, digits, '-' or '_'.`);
    }
    return { kind: "mediaId", mediaId };
  }
  const { bucket, object } = media.oss!;
  if (!BUCKET.test(bucket)) {
    throw badInput(`${field}.oss.bucket`, `"${printable(bucket)}" is not an OSS bucket name: 3 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit.`);
  }
  requireStorable(`${field}.oss.object`, object);
  const objectBytes = Buffer.byteLength(object);
  if (objectBytes === 0 || objectBytes > OBJECT_KEY_MAX_BYTES || object.startsWith("/") || object.startsWith("\\")) {
    throw badInput(`${field}.oss.object`, `object must be 1 to ${OBJECT_KEY_MAX_BYTES} bytes and must not start with '/' or '\\' (OSS object naming).`);
  }
  const expected = `oss-${library.region}`;
  const location = media.oss!.location?.trim() || expected;
  if (location !== expected) {
    throw badInput(
      `${field}.oss.location`,
      `The bucket must be in the library's region: this library is in ${library.region}, so location must be ${expected} (or left out), not "${printable(location)}".`,
    );
  }
  return { kind: "oss", bucket, object, location };
}

export function validateSubmitJob(req: SubmitJobRequest, library: JobLibraryFacts): ValidSubmitJob {
  const media = validateMedia(req.media, library);
  if (!(req.mode in SAVE_TYPES)) throw badInput("mode", `mode must be one of ${Object.keys(SAVE_TYPES).join(", ")}.`);

  let primaryKey = req.primaryKey?.trim() ?? "";
  let generatedPrimaryKey = false;
  if (primaryKey === "") {
    if (stores(req.mode)) {
      throw badInput("primaryKey", `primaryKey is required when mode is ${req.mode}: it is the stored media's id in the library (its name in files, matches and deletes).`);
    }
    // A search stores nothing, but both services want a key; one that cannot collide.
    primaryKey = `search-${randomUUID()}`;
    generatedPrimaryKey = true;
  }
  assertPrimaryKey("primaryKey", primaryKey);

  const threshold = req.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw badInput("similarityThreshold", `similarityThreshold must be between 0 and 1 (default ${DEFAULT_SIMILARITY_THRESHOLD}), got ${threshold}.`);
  }

  const userData = req.userData ?? null;
  if (userData !== null) {
    requireStorable("userData", userData);
    if (Buffer.byteLength(userData) > USER_DATA_MAX_BYTES) {
      throw badInput("userData", `userData is ${Buffer.byteLength(userData)} bytes; both services take at most ${USER_DATA_MAX_BYTES}.`);
    }
    if (library.backend === "MPS" && !/^[A-Za-z0-9]/.test(userData)) {
      throw badInput("userData", "MPS refuses userData that starts with a special character: start it with a letter or digit.");
    }
  }

  const idempotencyKey = req.idempotencyKey ?? null;
  if (idempotencyKey !== null) {
    requireStorable("idempotencyKey", idempotencyKey);
    if (idempotencyKey.length === 0 || idempotencyKey.length > JOB_IDEMPOTENCY_KEY_MAX_LENGTH) {
      throw badInput("idempotencyKey", `idempotencyKey must be 1 to ${JOB_IDEMPOTENCY_KEY_MAX_LENGTH} characters long.`);
    }
  }
  return { media, mode: req.mode, primaryKey, generatedPrimaryKey, idempotencyKey, similarityThreshold: threshold, userData };
}

export function assertPrimaryKey(field: string, key: string): void {
  if (key.length === 0 || key.length > PRIMARY_KEY_MAX_LENGTH || !PRIMARY_KEY.test(key)) {
    throw badInput(
      field,
      `"${printable(key)}" is not a usable primary key: 1 to ${PRIMARY_KEY_MAX_LENGTH} characters of letters, digits and . _ : @ / + = - (no commas or spaces: ICE deletes keys as a comma-separated list).`,
    );
  }
}


/**
 * The fingerprint of a submit for idempotency (the same key with another input is a reuse).
 * A generated primary key is left out: it is new on every call by design.
 */
export function submitJobHash(libraryId: string, job: ValidSubmitJob): string {
  const canonical = JSON.stringify([libraryId, job.media, job.mode, job.generatedPrimaryKey ? null : job.primaryKey, job.similarityThreshold, job.userData]);
  return createHash("sha256").update(canonical).digest("hex");
}

function printable(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return shown.replace(/[\u0000-\u001f\u007f]/g, "?");
}
