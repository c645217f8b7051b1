/**
 * One OSS request, from the socket to the answer: parse the target, authenticate, find
 * the bucket, run the operation. Bodies are not read up front (server.ts hands the
 * request over untouched): PutObject and UploadPart stream them to disk.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCore } from "../core.js";
import { BodyTooLargeError } from "../http/body.js";
import { authenticateOss, type OssCaller } from "./authenticate.js";
import * as buckets from "./bucket-operations.js";
import type { OssContext } from "./context.js";
import { OssError, accessDenied, invalidArgument, noSuchBucket, notImplemented } from "./errors.js";
import { listObjectsV1, listObjectsV2 } from "./list-operations.js";
import * as multipart from "./multipart-operations.js";
import * as objects from "./object-operations.js";
import { ClientGoneError, discardRest } from "./receive-body.js";
import { parseOssHost, targetsOf, type OssHostInfo, type OssTarget } from "./request-target.js";
import { newOssRequestId, sendEmpty, sendError } from "./respond.js";
import type { Bucket } from "./store.js";
import { isSignedSubResource } from "./sub-resources.js";

/** Sub-resources an operation below understands; any other signed one answers NotImplemented. */
const HANDLED = new Set([
  "uploads", "uploadId", "partNumber", "location", "bucketInfo", "delete", "objectMeta", "continuation-token",
  "response-content-type", "response-content-language", "response-expires", "response-cache-control",
  "response-content-disposition", "response-content-encoding",
]);

export interface OssOutcome {
  status: number;
  code?: string;
  accessKeyId?: string;
  algorithm?: string;
  operation: string;
}

export async function handleOssRequest(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<OssOutcome> {
  const requestId = newOssRequestId();
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headersDistinct)) if (v && v[0] !== undefined) headers[k] = v[0];
  const host = parseOssHost(headers["host"]);
  let hostId = host.endpoint ?? `oss-${core.settings.region}.aliyuncs.com`;
  let operation = `${method} ${path}`;
  let caller: { accessKeyId?: string; algorithm?: string } = {};

  try {
    const query = parseQuery(q < 0 ? "" : rawUrl.slice(q + 1));
    const targets = targetsOf(host, path);
    const who = authenticateOss({ method, headers, query }, targets, {
      accounts: core.accounts,
      now: core.now(),
      skewToleranceMs: core.settings.clockSkewToleranceMs,
    });
    caller = { ...(who.accessKeyId !== undefined ? { accessKeyId: who.accessKeyId } : {}), algorithm: who.algorithm };
    const target = who.target;
    if (target.bucket !== undefined) hostId = `${target.bucket}.${host.location ?? `oss-${core.settings.region}`}.aliyuncs.com`;
    operation = describe(method, target);

    const queryMap = new Map<string, string>();
    for (const [k, v] of query) if (!queryMap.has(k)) queryMap.set(k, v);
    for (const name of queryMap.keys()) {
      if (isSignedSubResource(name) && !HANDLED.has(name)) throw notImplemented(`The ?${name} sub-resource`);
    }

    const bucket = admit(core, who, host, method);
    const c: OssContext = { core, req, res, requestId, method, headers, query: queryMap, host, caller: { ...who, accessKeyId: who.accessKeyId! } }; // admit() refused anonymous callers
    await dispatch(c, target, bucket);
    return { status: res.statusCode, operation, ...caller };
  } catch (e) {
    const premature = (e as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE" && res.headersSent;
    if (e instanceof ClientGoneError || premature) {
      req.socket.destroy();
      return { status: 499, code: "ClientGone", operation, ...caller };
    }
    let err: OssError;
    if (e instanceof OssError) err = e;
    else if (e instanceof BodyTooLargeError) err = invalidArgument(e.message);
    else {
      core.log(`OSS internal error: ${(e as Error).stack ?? String(e)}`);
      err = new OssError(500, "InternalError", "The OSS stand-in failed to answer; see the emulator log.");
    }
    if (res.headersSent) {
      // Mid-stream failure (GetObject): nothing valid can follow, so end the connection.
      res.destroy();
    } else {
      await discardRest(req);
      sendError(res, method, err, requestId, hostId);
    }
    return { status: err.status, code: err.code, operation, ...caller };
  }
}

/**
 * The bucket the request names, once the caller may use it. Order as OSS: a missing bucket
 * is NoSuchBucket even to strangers; then anonymous callers, other accounts and other
 * regions' endpoints are refused. PutBucket names a bucket that need not exist yet.
 */
function admit(core: EmulatorCore, who: OssCaller, host: OssHostInfo, method: string): Bucket | undefined {
  const t = who.target;
  let bucket: Bucket | undefined;
  if (t.bucket !== undefined && !(method === "PUT" && t.key === undefined)) {
    bucket = core.oss.anyBucket(t.bucket);
    if (!bucket) throw noSuchBucket(t.bucket);
  }
  if (who.accessKeyId === undefined) {
    // Every bucket of the stand-in is private: no ACLs, no public-read.
    throw accessDenied("You have no right to access this object because of bucket acl.");
  }
  if (bucket) {
    if (bucket.info.accountId !== who.accessKeyId) throw accessDenied("The bucket you access does not belong to you.");
    if (host.location !== undefined && host.location !== bucket.info.location) {
      throw new OssError(403, "AccessDenied", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.", {
        Bucket: bucket.info.name,
        Endpoint: `${bucket.info.location}.aliyuncs.com`,
      });
    }
  }
  return bucket;
}

async function dispatch(c: OssContext, t: OssTarget, b: Bucket | undefined): Promise<void> {
  const q = c.query;
  const m = c.method;
  if (t.bucket === undefined) {
    if (m === "GET") return buckets.listBuckets(c);
    throw methodNotAllowed(m, "the service");
  }
  if (t.key === undefined) {
    if (m === "PUT") return buckets.putBucket(c, t.bucket);
    if (m === "DELETE") return buckets.deleteBucket(c, t.bucket);
    if (m === "GET" && q.has("location")) return buckets.getBucketLocation(c, b!);
    if (m === "GET" && q.has("bucketInfo")) return buckets.getBucketInfo(c, b!);
    if (m === "GET") return q.get("list-type") === "2" ? listObjectsV2(c, b!) : listObjectsV1(c, b!);
    if (m === "POST" && q.has("delete")) return buckets.deleteMultipleObjects(c, b!);
    if (m === "HEAD") return sendEmpty(c.res, 200, c.requestId);
    throw methodNotAllowed(m, "a bucket");
  }
  const key = t.key;
  const uploadId = q.get("uploadId");
  if (m === "POST" && q.has("uploads")) return multipart.initiateMultipartUpload(c, b!, key);
  if (m === "PUT" && uploadId !== undefined) return multipart.uploadPart(c, b!, key, uploadId, q.get("partNumber") ?? "");
  if (m === "POST" && uploadId !== undefined) return multipart.completeMultipartUpload(c, b!, key, uploadId);
  if (m === "DELETE" && uploadId !== undefined) return multipart.abortMultipartUpload(c, b!, key, uploadId);
  if (uploadId !== undefined) throw notImplemented("ListParts (GET ?uploadId)");
  if (m === "PUT") return objects.putObject(c, b!, key);
  if (m === "GET") return objects.getObject(c, b!, key);
  if (m === "HEAD" && q.has("objectMeta")) return objects.getObjectMeta(c, b!, key);
  if (m === "HEAD") return objects.headObject(c, b!, key);
  if (m === "DELETE") return objects.deleteObject(c, b!, key);
  throw methodNotAllowed(m, "an object");
}

function methodNotAllowed(method: string, what: string): OssError {
  return new OssError(405, "MethodNotAllowed", `The specified method ${method} is not allowed against ${what}.`, { Method: method });
}

function describe(method: string, t: OssTarget): string {
  if (t.bucket === undefined) return `${method} /`;
  return `${method} ${t.bucket}/${t.key ?? ""}`;
}

/**
 * Query parameters, percent-decoded. Unlike URLSearchParams, `+` stays `+`: ali-oss
 * encodes a plus as %2B, and OSS does not read `+` as a space.
 */
export function parseQuery(raw: string): Array<[string, string]> {
  if (raw === "") return [];
  return raw
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      const k = eq < 0 ? p : p.slice(0, eq);
      const v = eq < 0 ? "" : p.slice(eq + 1);
      try {
        return [decodeURIComponent(k), decodeURIComponent(v)] as [string, string];
      } catch {
        throw new OssError(400, "InvalidURI", `The query parameter ${p} is not valid percent-encoding.`);
      }
    });
}
