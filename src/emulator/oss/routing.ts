/**
 * Whether a request on the emulator's port is for the OSS stand-in. RPC calls (ICE, MPS)
 * always go to `/` with an Action and `/_emulator/` is the control API; a request is OSS's
 * when it carries an OSS Authorization header, an OSS query-string signature, or a Host
 * header that names an OSS endpoint (`bucket.oss-<region>.aliyuncs.com`, which ali-oss
 * sends to an IP endpoint).
 */
import { parseOssHost } from "./request-target.js";

const URL_SIGNATURE = /(?:^|&)(?:OSSAccessKeyId|x-oss-signature|x-oss-credential)=/;

export function isOssRequest(headers: Record<string, string | string[] | undefined>, rawQuery: string): boolean {
  const authorization = first(headers["authorization"]);
  if (authorization !== undefined && (authorization.startsWith("OSS ") || authorization.startsWith("OSS4-HMAC-SHA256 "))) return true;
  if (URL_SIGNATURE.test(rawQuery)) return true;
  return parseOssHost(first(headers["host"])).location !== undefined;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
