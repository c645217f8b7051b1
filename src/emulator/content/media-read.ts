/**
 * Reading a job's media from the OSS stand-in and fingerprinting it. Each way this can go
 * wrong ends the job with a Code and a Message that say what to fix:
 * - media asset id (ICE Type=Media, MPS MediaId): InvalidParameter.ResourceNotFound (no media assets here);
 * - bucket or object missing: InvalidParameter.ResourceNotFound;
 * - Input names a region other than the bucket's: InvalidParameter;
 * - bucket outside the service's region: PermissionDenied.ResourceAccess;
 * - bytes that are not media of the library's kind: InvalidParameter.ResourceContentBad.
 */
import { MediaDecodeError, type Fingerprint, type MediaKind } from "../fingerprint/contract.js";
import type { StoredObjectInfo } from "../oss/contract.js";
import type { MediaRef } from "./model.js";
import { JobFailure, type ContentRuntime } from "./runtime.js";

export const NOT_FOUND = "InvalidParameter.ResourceNotFound";
export const DECODE_FAILED = "InvalidParameter.ResourceContentBad";
export const ACCESS_DENIED = "PermissionDenied.ResourceAccess";

export interface ReadMedia {
  bytes: Buffer;
  info: StoredObjectInfo;
  /** `oss-cn-shanghai`: the bucket's region. */
  location: string;
}

export function describeRef(ref: MediaRef): string {
  return ref.type === "asset" ? ref.id : `oss://${ref.bucket}/${ref.key}`;
}

export async function readMedia(rt: ContentRuntime, owner: string, region: string, ref: MediaRef): Promise<ReadMedia> {
  if (ref.type === "asset") {
    throw new JobFailure(NOT_FOUND, `The resource operated "${ref.id}" cannot be found: the emulator has no media assets; give an OSS input instead.`);
  }
  const oss = rt.deps.oss();
  if (!oss) throw new JobFailure("InternalError", "The emulator runs without its OSS stand-in, so it cannot read media.");
  const bucket = oss.bucket(owner, ref.bucket);
  const where = describeRef(ref);
  if (!bucket) throw new JobFailure(NOT_FOUND, `The resource operated "${where}" cannot be found: this account has no bucket ${ref.bucket}.`);
  if (ref.location !== undefined && ref.location !== bucket.location) {
    throw new JobFailure("InvalidParameter", `The input names ${ref.location}, but the bucket ${ref.bucket} is in ${bucket.location}.`);
  }
  if (bucket.location !== `oss-${region}`) {
    throw new JobFailure(
      ACCESS_DENIED,
      `The service in ${region} cannot access the bucket ${ref.bucket} in ${bucket.location}: the bucket must be in oss-${region}.`,
    );
  }
  const obj = await oss.read(owner, ref.bucket, ref.key);
  if (!obj) throw new JobFailure(NOT_FOUND, `The resource operated "${where}" cannot be found: the bucket ${ref.bucket} has no object ${ref.key}.`);
  return { bytes: obj.body, info: obj.info, location: bucket.location };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The text of a text job. TextType ASR takes a JSON array of {start, end, text} (a speech
 * recognition result); the fragments are joined with newlines.
 */
export function textOf(bytes: Buffer, where: string, textType: string | undefined): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JobFailure(DECODE_FAILED, `The object ${where} is not UTF-8 text.`);
  }
  if (textType !== "ASR") return text;
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (e) {
    throw new JobFailure(DECODE_FAILED, `With TextType ASR the object ${where} must be a JSON array of {start, end, text}: ${(e as Error).message}.`);
  }
  if (!Array.isArray(items) || !items.every((i) => typeof i === "object" && i !== null && typeof (i as { text?: unknown }).text === "string")) {
    throw new JobFailure(DECODE_FAILED, `With TextType ASR the object ${where} must be a JSON array of {start, end, text}.`);
  }
  return (items as Array<{ text: string }>).map((i) => i.text).join("\n");
}

export async function fingerprintOf(rt: ContentRuntime, kind: MediaKind, bytes: Uint8Array, where: string): Promise<Fingerprint> {
  const engine = rt.deps.engine();
  if (!engine) throw new JobFailure("InternalError", "The emulator's fingerprint engine is not running.");
  try {
    return await engine.fingerprint(kind, bytes);
  } catch (e) {
    if (e instanceof MediaDecodeError || (e as Error)?.name === "MediaDecodeError") {
      throw new JobFailure(DECODE_FAILED, `The object ${where} cannot be decoded as ${kind}: ${(e as Error).message}`);
    }
    if ((e as Error)?.name === "UnsupportedKindError") throw new JobFailure("InternalError", (e as Error).message);
    throw e;
  }
}
