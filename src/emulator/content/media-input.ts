/**
 * The Input parameter of each service, parsed into a MediaRef. Shape errors are request
 * errors (InvalidParameter naming the field); whether the object exists is the job's
 * business (see runner.ts).
 *
 * ICE: `{"Type":"OSS","Media":"oss://bucket/object"}` (or the https OSS URL), or
 *      `{"Type":"Media","Media":"<media asset id>"}`.
 * MPS: `{"Bucket":"b","Location":"oss-cn-shanghai","Object":"dir%2Fa.mp4"}` (Object URL-encoded),
 *      `{"MediaId":"..."}`, or an OSS http(s) URL.
 */
import { invalidParameter } from "../errors.js";
import type { MediaRef } from "./model.js";

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const LOCATION = /^oss-[a-z]{2,}(-[a-z0-9]+)+$/;
/** bucket.oss-cn-shanghai[-internal].aliyuncs.com */
const OSS_HOST = /^([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.(oss-[a-z]{2,}(?:-[a-z0-9]+)+?)(?:-internal)?\.aliyuncs\.com$/;

const ICE_EXAMPLE = `{"Type":"OSS","Media":"oss://bucket/object.mp4"}`;
const MPS_EXAMPLE = `{"Bucket":"bucket","Location":"oss-cn-shanghai","Object":"object.mp4"}`;

export function parseJsonObject(name: string, raw: string, example: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw invalidParameter(`The parameter ${name} is not valid JSON (${(e as Error).message}); expected an object such as ${example}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter(`The parameter ${name} must be a JSON object such as ${example}, got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}.`);
  }
  return parsed as Record<string, unknown>;
}

/** A string field of a JSON parameter; undefined when absent or empty. */
export function jsonString(obj: Record<string, unknown>, param: string, field: string): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw invalidParameter(`${param}.${field} must be a string, got ${JSON.stringify(v)}.`);
  return v;
}

function checkBucket(where: string, bucket: string): void {
  if (!BUCKET.test(bucket)) {
    throw invalidParameter(`${where}: ${JSON.stringify(bucket)} is not a valid OSS bucket name (3-63 lower-case letters, digits and hyphens).`);
  }
}

function checkKey(where: string, key: string): void {
  if (key === "" || key.startsWith("/") || Buffer.byteLength(key, "utf8") > 1023) {
    throw invalidParameter(`${where}: the object name must be 1-1023 bytes and must not start with "/", got ${JSON.stringify(key)}.`);
  }
}

/** `oss://bucket/key` or `http(s)://bucket.oss-region.aliyuncs.com/key`; undefined when neither. */
export function parseOssUrl(where: string, text: string): (MediaRef & { type: "oss" }) | undefined {
  const t = text.trim();
  if (t.startsWith("oss://")) {
    const rest = t.slice("oss://".length);
    const slash = rest.indexOf("/");
    if (slash <= 0) throw invalidParameter(`${where}: ${JSON.stringify(text)} names no object; expected oss://bucket/object.`);
    const bucket = rest.slice(0, slash);
    const key = rest.slice(slash + 1);
    checkBucket(where, bucket);
    checkKey(where, key);
    return { type: "oss", bucket, key };
  }
  if (/^https?:\/\//i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw invalidParameter(`${where}: ${JSON.stringify(text)} is not a valid URL.`);
    }
    const m = OSS_HOST.exec(url.hostname.toLowerCase());
    if (!m) {
      throw invalidParameter(`${where}: ${JSON.stringify(text)} is not an OSS URL; expected http(s)://bucket.oss-<region>.aliyuncs.com/object or oss://bucket/object.`);
    }
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(1));
    } catch {
      throw invalidParameter(`${where}: the object path of ${JSON.stringify(text)} is not valid percent-encoding.`);
    }
    checkKey(where, key);
    return { type: "oss", bucket: m[1]!, key, location: m[2]! };
  }
  return undefined;
}

export interface IceInput {
  ref: MediaRef;
  /** Input as the job record shows it. */
  echo: { Type: string; Media: string };
}

export function parseIceInput(raw: string): IceInput {
  const obj = parseJsonObject("Input", raw, ICE_EXAMPLE);
  const type = jsonString(obj, "Input", "Type");
  const media = jsonString(obj, "Input", "Media");
  if (type === undefined) throw invalidParameter(`Input.Type is required: OSS (an OSS file URL) or Media (a media asset id), e.g. ${ICE_EXAMPLE}.`);
  if (media === undefined) throw invalidParameter(`Input.Media is required, e.g. ${ICE_EXAMPLE}.`);
  const t = type.trim().toLowerCase();
  if (t === "oss") {
    const ref = parseOssUrl("Input.Media", media);
    if (!ref) {
      throw invalidParameter(`Input.Media ${JSON.stringify(media)} is not an OSS URL; with Type OSS use oss://bucket/object or http(s)://bucket.oss-<region>.aliyuncs.com/object.`);
    }
    return { ref, echo: { Type: "OSS", Media: media } };
  }
  if (t === "media") return { ref: { type: "asset", id: media.trim() }, echo: { Type: "Media", Media: media } };
  throw invalidParameter(`Input.Type ${JSON.stringify(type)} is not one of OSS, Media.`);
}

export interface MpsInput {
  ref: MediaRef;
  /** InputFile as the job record shows it (Object as sent, i.e. URL-encoded). */
  inputFile: { Bucket: string; Location: string; Object: string } | null;
}

export function parseMpsInput(raw: string, name = "Input"): MpsInput {
  const url = parseOssUrl(name, raw);
  if (url) {
    return {
      ref: url,
      inputFile: { Bucket: url.bucket, Location: url.location ?? "", Object: encodeURIComponent(url.key).replace(/%2F/g, "/") },
    };
  }
  const obj = parseJsonObject(name, raw, MPS_EXAMPLE);
  const mediaId = jsonString(obj, name, "MediaId");
  if (mediaId !== undefined && obj.Bucket === undefined) return { ref: { type: "asset", id: mediaId }, inputFile: null };
  const bucket = jsonString(obj, name, "Bucket");
  const location = jsonString(obj, name, "Location");
  const object = jsonString(obj, name, "Object");
  const missing = [bucket === undefined && "Bucket", location === undefined && "Location", object === undefined && "Object"].filter(Boolean);
  if (missing.length > 0) throw invalidParameter(`${name} lacks ${missing.join(", ")}; expected ${MPS_EXAMPLE} (Object URL-encoded).`);
  checkBucket(`${name}.Bucket`, bucket!);
  if (!LOCATION.test(location!)) {
    throw invalidParameter(`${name}.Location ${JSON.stringify(location)} is not an OSS region such as oss-cn-shanghai.`);
  }
  let key: string;
  try {
    key = decodeURIComponent(object!);
  } catch {
    throw invalidParameter(`${name}.Object ${JSON.stringify(object)} is not valid URL encoding (the Object must be URL-encoded).`);
  }
  checkKey(`${name}.Object`, key);
  return { ref: { type: "oss", bucket: bucket!, key, location: location! }, inputFile: { Bucket: bucket!, Location: location!, Object: object! } };
}
