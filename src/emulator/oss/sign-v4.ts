/**
 * OSS signature V4 (OSS4-HMAC-SHA256), as ali-oss `common/signUtils.js` builds it.
 * Pure functions: canonical request, string to sign, signing key and signature.
 */
import { createHash, createHmac } from "node:crypto";

export const V4_ALGORITHM = "OSS4-HMAC-SHA256";

/** encodeURIComponent plus ! ' ( ) *: the RFC 3986 encoding ali-oss applies. */
export function rfc3986Encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface V4Input {
  method: string;
  bucket?: string;
  key?: string;
  /** Decoded query parameters (all of them are signed in V4). */
  query: Array<[string, string]>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Lower-cased names from AdditionalHeaders=, sorted. */
  additionalHeaders: string[];
  /**
   * How a parameter with an empty value is written: `k` (ali-oss, for sub-resources like
   * `uploads`) or `k=` (ali-oss, for ordinary parameters given as ""). Both are accepted.
   */
  emptyValue: "bare" | "equals";
}

export function v4CanonicalRequest(i: V4Input): string {
  const uri = rfc3986Encode(`/${i.bucket !== undefined ? `${i.bucket}/` : ""}${i.key ?? ""}`).replace(/%2F/g, "/");
  const query = i.query
    .map(([k, v]) => [rfc3986Encode(k), v === "" ? null : rfc3986Encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === null ? (i.emptyValue === "bare" ? k : `${k}=`) : `${k}=${v}`))
    .join("&");
  const names = new Set(i.additionalHeaders);
  for (const name of Object.keys(i.headers)) {
    if (name === "content-type" || name === "content-md5" || name.startsWith("x-oss-")) names.add(name);
  }
  const canonicalHeaders = [...names]
    .sort()
    .map((n) => `${n}:${(i.headers[n] ?? "").trim()}\n`)
    .join("");
  const payload = i.headers["x-oss-content-sha256"] ?? "UNSIGNED-PAYLOAD";
  return [i.method.toUpperCase(), uri, query, canonicalHeaders, i.additionalHeaders.join(";"), payload].join("\n");
}

/** `<yyyymmdd>/<region>/oss/aliyun_v4_request` */
export function v4Scope(day: string, region: string): string {
  return `${day}/${region}/oss/aliyun_v4_request`;
}

export function v4StringToSign(date: string, region: string, canonicalRequest: string): string {
  const hash = createHash("sha256").update(canonicalRequest, "utf8").digest("hex");
  return `${V4_ALGORITHM}\n${date}\n${v4Scope(date.slice(0, 8), region)}\n${hash}`;
}

export function v4Signature(secret: string, day: string, region: string, stringToSign: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
  const signingKey = hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, day), region), "oss"), "aliyun_v4_request");
  return createHmac("sha256", signingKey).update(stringToSign, "utf8").digest("hex");
}
