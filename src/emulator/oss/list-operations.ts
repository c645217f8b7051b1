/**
 * GetBucket (ListObjects, v1: marker paging) and ListObjectsV2 (`list-type=2`:
 * continuation-token paging). The continuation token is the base64url of the last key or
 * prefix of the previous page: opaque to clients, as OSS's is.
 */
import type { OssContext } from "./context.js";
import { invalidArgument } from "./errors.js";
import { owner } from "./bucket-operations.js";
import { sendXml } from "./respond.js";
import type { Bucket, StoredObject } from "./store.js";

const DEFAULT_MAX_KEYS = 100;
const MAX_MAX_KEYS = 1000;

function maxKeys(c: OssContext): number {
  const text = c.query.get("max-keys");
  if (text === undefined || text === "") return DEFAULT_MAX_KEYS;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= MAX_MAX_KEYS)) throw invalidArgument(`max-keys must be an integer from 0 to ${MAX_MAX_KEYS}.`, "max-keys", text);
  return n;
}

function contents(objects: StoredObject[], withOwner: boolean, accountId: string) {
  return objects.map((o) => ({
    Key: o.info.key,
    LastModified: o.info.lastModified.toISOString(),
    ETag: o.info.etag,
    Type: o.type,
    Size: o.info.size,
    StorageClass: "Standard",
    ...(withOwner ? { Owner: owner(accountId) } : {}),
  }));
}

export function listObjectsV1(c: OssContext, b: Bucket): void {
  const prefix = c.query.get("prefix") ?? "";
  const delimiter = c.query.get("delimiter") ?? "";
  const marker = c.query.get("marker") ?? "";
  const max = maxKeys(c);
  const { page, objects } = c.core.oss.list(b, { prefix, delimiter, after: marker, maxKeys: max });
  sendXml(c.res, 200, c.requestId, "ListBucketResult", {
    Name: b.info.name,
    Prefix: prefix,
    Marker: marker,
    MaxKeys: max,
    Delimiter: delimiter,
    IsTruncated: page.isTruncated,
    NextMarker: page.isTruncated ? page.last : undefined,
    Contents: contents(objects, true, b.info.accountId),
    CommonPrefixes: page.commonPrefixes.map((Prefix) => ({ Prefix })),
  });
}

export function listObjectsV2(c: OssContext, b: Bucket): void {
  const prefix = c.query.get("prefix") ?? "";
  const delimiter = c.query.get("delimiter") ?? "";
  const startAfter = c.query.get("start-after");
  const token = c.query.get("continuation-token");
  const max = maxKeys(c);
  let after = startAfter ?? "";
  if (token !== undefined) {
    after = Buffer.from(token, "base64url").toString("utf8");
    if (token === "" || Buffer.from(after, "utf8").toString("base64url") !== token) throw invalidArgument("The continuation token provided is incorrect.", "continuation-token", token);
  }
  const { page, objects } = c.core.oss.list(b, { prefix, delimiter, after, maxKeys: max });
  sendXml(c.res, 200, c.requestId, "ListBucketResult", {
    Name: b.info.name,
    Prefix: prefix,
    StartAfter: startAfter,
    ContinuationToken: token,
    MaxKeys: max,
    Delimiter: delimiter,
    IsTruncated: page.isTruncated,
    NextContinuationToken: page.isTruncated && page.last !== undefined ? Buffer.from(page.last, "utf8").toString("base64url") : undefined,
    KeyCount: page.keys.length + page.commonPrefixes.length,
    Contents: contents(objects, c.query.get("fetch-owner") === "true", b.info.accountId),
    CommonPrefixes: page.commonPrefixes.map((Prefix) => ({ Prefix })),
  });
}
