/** Object-level operations: PutObject (streamed to disk), GetObject (with Range), HeadObject, GetObjectMeta, DeleteObject. */
import { pipeline } from "node:stream/promises";
import { userMeta, type OssContext } from "./context.js";
import { OssError, entityTooLarge, invalidArgument } from "./errors.js";
import { objectEtag } from "./etag.js";
import { parseRange } from "./range.js";
import { receiveToFile } from "./receive-body.js";
import { baseHeaders, sendEmpty } from "./respond.js";
import { checkObjectName, type Bucket, type StoredObject } from "./store.js";

const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Refuses a declared Content-Length over the cap before a byte is read. */
export function checkDeclaredLength(c: OssContext, limit: number): void {
  const declared = c.headers["content-length"];
  if (declared !== undefined && !/^\d+$/.test(declared)) throw invalidArgument("Content-Length must be a non-negative integer.", "Content-Length", declared);
  if (declared !== undefined && Number(declared) > limit) throw entityTooLarge(limit);
}

/** Streams the body to a new file; checks Content-MD5 when the client sent one. */
export async function receiveBody(c: OssContext, limit: number): Promise<{ file: string; size: number; md5: Buffer }> {
  checkDeclaredLength(c, limit);
  const file = c.core.oss.newFile();
  const got = await receiveToFile(c.req, file, limit);
  const claimed = c.headers["content-md5"];
  if (claimed !== undefined && claimed !== got.md5.toString("base64")) {
    await c.core.oss.discard(file);
    throw new OssError(400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.", { "Content-MD5": claimed });
  }
  return { file, ...got };
}

export async function putObject(c: OssContext, b: Bucket, key: string): Promise<void> {
  checkObjectName(key);
  if (c.headers["x-oss-copy-source"] !== undefined) throw new OssError(501, "NotImplemented", "CopyObject (x-oss-copy-source) is not emulated by the OSS stand-in.");
  const forbidOverwrite = c.headers["x-oss-forbid-overwrite"]?.toLowerCase() === "true";
  if (forbidOverwrite) refuseOverwrite(b, key);
  const { file, size, md5 } = await receiveBody(c, c.core.settings.ossMaxObjectBytes);
  if (forbidOverwrite && b.objects.has(key)) {
    // Another upload of the same key finished while this body streamed in.
    await c.core.oss.discard(file);
    refuseOverwrite(b, key);
  }
  const stored = c.core.oss.commit(b, key, file, size, objectEtag(md5), c.headers["content-type"] || DEFAULT_CONTENT_TYPE, "Normal", userMeta(c.headers));
  sendEmpty(c.res, 200, c.requestId, { etag: stored.info.etag, "content-md5": md5.toString("base64") });
}

function refuseOverwrite(b: Bucket, key: string): void {
  if (b.objects.has(key)) throw new OssError(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.", { Key: key });
}

function objectHeaders(o: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": o.info.contentType,
    etag: o.info.etag,
    "last-modified": o.info.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    "x-oss-object-type": o.type,
    "x-oss-storage-class": "Standard",
  };
  for (const [k, v] of Object.entries(o.meta)) headers[`x-oss-meta-${k}`] = v;
  return headers;
}

/** response-content-type & co. override the stored headers (signed URLs use them for downloads). */
function responseOverrides(c: OssContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["content-type", "content-language", "expires", "cache-control", "content-disposition", "content-encoding"]) {
    const v = c.query.get(`response-${name}`);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

export async function getObject(c: OssContext, b: Bucket, key: string): Promise<void> {
  const { o, file } = await c.core.oss.openCurrent(b, key);
  try {
    const range = parseRange(c.headers["range"], o.info.size);
    const headers = { ...baseHeaders(c.requestId), ...objectHeaders(o), ...responseOverrides(c) };
    if (o.info.size === 0) {
      c.res.writeHead(200, { ...headers, "content-length": "0" });
      c.res.end();
      return;
    }
    if (range) {
      c.res.writeHead(206, { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${o.info.size}` });
    } else {
      c.res.writeHead(200, { ...headers, "content-length": String(o.info.size) });
    }
    await pipeline(file.createReadStream({ ...range, autoClose: false }), c.res);
  } finally {
    await file.close();
  }
}

export function headObject(c: OssContext, b: Bucket, key: string): void {
  const o = c.core.oss.object(b, key);
  sendEmpty(c.res, 200, c.requestId, { ...objectHeaders(o), "content-length": String(o.info.size) });
}

/** HEAD ?objectMeta: the short form of HEAD (ali-oss getObjectMeta). */
export function getObjectMeta(c: OssContext, b: Bucket, key: string): void {
  const o = c.core.oss.object(b, key);
  sendEmpty(c.res, 200, c.requestId, { etag: o.info.etag, "last-modified": o.info.lastModified.toUTCString(), "content-length": String(o.info.size) });
}

/** OSS answers 204 whether or not the key existed. */
export function deleteObject(c: OssContext, b: Bucket, key: string): void {
  c.core.oss.deleteObject(b, key);
  sendEmpty(c.res, 204, c.requestId);
}
