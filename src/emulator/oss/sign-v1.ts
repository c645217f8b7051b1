/**
 * OSS signature V1 (HMAC-SHA1), as in https://help.aliyun.com/document_detail/31951.htm and
 * ali-oss `common/signUtils.js`. Pure functions: the string to sign and the signature.
 *
 *   StringToSign = VERB \n Content-MD5 \n Content-Type \n Date \n CanonicalizedOSSHeaders CanonicalizedResource
 *
 * For a query-string (presigned) URL the Date slot holds the Expires value instead.
 */
import { createHmac } from "node:crypto";
import { isSignedSubResource } from "./sub-resources.js";

export interface V1Input {
  method: string;
  contentMd5: string;
  contentType: string;
  /** x-oss-date (ali-oss), else Date; or Expires for presigned URLs. */
  date: string;
  /** Every header, lower-cased names; only x-oss-* ones are used. */
  headers: Record<string, string>;
  /** `/bucket/key` with the key NOT URL-encoded; `/bucket/` for bucket operations, `/` for the service. */
  resource: string;
  /** Decoded query parameters; only sub-resources are signed. */
  query: Array<[string, string]>;
}

export function v1StringToSign(i: V1Input): string {
  const ossHeaders = Object.keys(i.headers)
    .filter((k) => k.startsWith("x-oss-"))
    .sort()
    .map((k) => `${k}:${i.headers[k]!.trim()}\n`)
    .join("");
  return `${i.method.toUpperCase()}\n${i.contentMd5}\n${i.contentType}\n${i.date}\n${ossHeaders}${canonicalizedResource(i.resource, i.query)}`;
}

/** `/bucket/key?sub&sub=value`, sub-resources sorted by name; an empty value signs as the bare name. */
export function canonicalizedResource(resource: string, query: Array<[string, string]>): string {
  const subs = query.filter(([k]) => isSignedSubResource(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (subs.length === 0) return resource;
  return `${resource}?${subs.map(([k, v]) => (v === "" ? k : `${k}=${v}`)).join("&")}`;
}

export function v1Signature(secret: string, stringToSign: string): string {
  return createHmac("sha1", secret).update(stringToSign, "utf8").digest("base64");
}
