/** Service- and bucket-level operations: ListBuckets, PutBucket, DeleteBucket, GetBucketLocation, GetBucketInfo, DeleteMultipleObjects. */
import { readBody } from "../http/body.js";
import type { OssContext } from "./context.js";
import { OssError } from "./errors.js";
import { sendEmpty, sendXml } from "./respond.js";
import type { Bucket } from "./store.js";
import { blocksOf, textsOf } from "./xml.js";

export function owner(accessKeyId: string) {
  return { ID: accessKeyId, DisplayName: accessKeyId };
}

function endpoints(location: string) {
  return { ExtranetEndpoint: `${location}.aliyuncs.com`, IntranetEndpoint: `${location}-internal.aliyuncs.com` };
}

export function listBuckets(c: OssContext): void {
  const prefix = c.query.get("prefix") ?? "";
  const buckets = c.core.oss.bucketsOf(c.caller.accessKeyId).filter((b) => b.info.name.startsWith(prefix));
  sendXml(c.res, 200, c.requestId, "ListAllMyBucketsResult", {
    Prefix: prefix,
    Owner: owner(c.caller.accessKeyId),
    Buckets: {
      Bucket: buckets.map((b) => ({
        Name: b.info.name,
        CreationDate: b.createdAt.toISOString(),
        Location: b.info.location,
        ...endpoints(b.info.location),
        Region: b.info.location.replace(/^oss-/, ""),
        StorageClass: "Standard",
      })),
    },
  });
}

/** Location: the Host's region (`bucket.oss-<region>...`), else the V4 signing region, else the emulator's region. */
export function putBucket(c: OssContext, name: string): void {
  const location = c.host.location ?? `oss-${c.caller.region ?? c.core.settings.region}`;
  const b = c.core.oss.createBucket(c.caller.accessKeyId, name, location);
  sendEmpty(c.res, 200, c.requestId, { location: `/${b.info.name}` });
}

export function deleteBucket(c: OssContext, name: string): void {
  c.core.oss.deleteBucket(c.caller.accessKeyId, name);
  sendEmpty(c.res, 204, c.requestId);
}

export function getBucketLocation(c: OssContext, b: Bucket): void {
  sendXml(c.res, 200, c.requestId, "LocationConstraint", b.info.location);
}

export function getBucketInfo(c: OssContext, b: Bucket): void {
  sendXml(c.res, 200, c.requestId, "BucketInfo", {
    Bucket: {
      Name: b.info.name,
      Location: b.info.location,
      CreationDate: b.createdAt.toISOString(),
      ...endpoints(b.info.location),
      StorageClass: "Standard",
      Owner: owner(b.info.accountId),
      AccessControlList: { Grant: "private" },
    },
  });
}

/** POST /?delete: `<Delete><Quiet>..</Quiet><Object><Key>..</Key></Object>...</Delete>`. */
export async function deleteMultipleObjects(c: OssContext, b: Bucket): Promise<void> {
  const xml = (await readBody(c.req)).toString("utf8");
  const keys = blocksOf(xml, "Object").flatMap((o) => textsOf(o, "Key"));
  if (keys.length === 0 || keys.length > 1000) {
    throw new OssError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: 1 to 1000 <Object><Key> elements expected.");
  }
  const quiet = textsOf(xml, "Quiet")[0]?.toLowerCase() === "true";
  for (const key of keys) c.core.oss.deleteObject(b, key);
  sendXml(c.res, 200, c.requestId, "DeleteResult", quiet ? {} : { Deleted: keys.map((Key) => ({ Key })) });
}
