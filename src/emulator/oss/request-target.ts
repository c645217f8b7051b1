/**
 * Which bucket and key a request names. ali-oss sends two shapes to an IP endpoint
 * (docs: alibaba-fingerprint-content-apis.md section 6):
 *   - virtual-hosted: `Host: bucket.oss-<region>.aliyuncs.com`, path `/key`;
 *   - path-style (`sldEnable: true`): path `/bucket/key`, Host still names the bucket
 *     when the endpoint is an IP, or is just `127.0.0.1:PORT` / `localhost:PORT`.
 * When the Host names bucket B and the path starts with `/B/`, both readings are possible
 * (a virtual-hosted key may itself start with `B/`). Both are returned, path-style first,
 * and the signature decides: only the reading the client signed verifies.
 */
import { OssError } from "./errors.js";

/** `bucket.oss-cn-hangzhou.aliyuncs.com`, `oss-cn-hangzhou-internal.aliyuncs.com` (no bucket), ... */
const OSS_HOST = /^(?:([a-z0-9][a-z0-9-]*[a-z0-9])\.)?oss-([a-z]{2,}(?:-[a-z0-9]+)+?)(-internal)?\.aliyuncs\.com$/;

export interface OssHostInfo {
  /** The bucket named by the first label, if any. */
  bucket?: string;
  /** `oss-cn-hangzhou` style, if the Host names an OSS endpoint. */
  location?: string;
  /** The Host without port, when it is an OSS endpoint (the HostId of answers). */
  endpoint?: string;
}

export function parseOssHost(hostHeader: string | undefined): OssHostInfo {
  const name = (hostHeader ?? "").replace(/:\d+$/, "").toLowerCase();
  const m = OSS_HOST.exec(name);
  if (!m) return {};
  return { ...(m[1] !== undefined ? { bucket: m[1] } : {}), location: `oss-${m[2]!}`, endpoint: name };
}

export interface OssTarget {
  style: "virtual" | "path";
  /** Undefined for service-level requests (GET / lists buckets). */
  bucket?: string;
  /** Undefined for bucket-level requests. */
  key?: string;
}

/** The readings of `path` (still percent-encoded), most likely first. */
export function targetsOf(host: OssHostInfo, path: string): OssTarget[] {
  const segments = path.replace(/^\//, "");
  const out: OssTarget[] = [];
  const slash = segments.indexOf("/");
  const first = decode(slash < 0 ? segments : segments.slice(0, slash));
  const rest = slash < 0 ? "" : decode(segments.slice(slash + 1));
  if (host.bucket === undefined || first === host.bucket) {
    out.push(first === "" ? { style: "path" } : { style: "path", bucket: first, ...(rest !== "" ? { key: rest } : {}) });
  }
  if (host.bucket !== undefined) {
    const key = decode(segments);
    out.push({ style: "virtual", bucket: host.bucket, ...(key !== "" ? { key } : {}) });
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new OssError(400, "InvalidURI", `The path ${text} is not valid percent-encoding.`);
  }
}
