/** The HTTP face of multipart.ts: InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload. */
import { readBody } from "../http/body.js";
import { userMeta, type OssContext } from "./context.js";
import { OssError } from "./errors.js";
import { MultipartUploads } from "./multipart.js";
import { receiveBody } from "./object-operations.js";
import { sendEmpty, sendXml } from "./respond.js";
import { checkObjectName, type Bucket } from "./store.js";
import { blocksOf, textsOf } from "./xml.js";

/** The part list of CompleteMultipartUpload is small; 1 MiB holds 10 000 parts. */
const COMPLETE_BODY_LIMIT = 1024 * 1024;

export function initiateMultipartUpload(c: OssContext, b: Bucket, key: string): void {
  checkObjectName(key);
  const u = c.core.oss.uploads.initiate(b, key, c.headers["content-type"] || "application/octet-stream", userMeta(c.headers), new Date(c.core.now()));
  sendXml(c.res, 200, c.requestId, "InitiateMultipartUploadResult", { Bucket: b.info.name, Key: key, UploadId: u.id });
}

export async function uploadPart(c: OssContext, b: Bucket, key: string, uploadId: string, partNumberText: string): Promise<void> {
  const n = MultipartUploads.partNumber(partNumberText);
  const u = c.core.oss.uploads.get(b, key, uploadId);
  const { file, size, md5 } = await receiveBody(c, c.core.settings.ossMaxObjectBytes);
  const etag = c.core.oss.uploads.addPart(u, n, file, size, md5);
  sendEmpty(c.res, 200, c.requestId, { etag, "content-md5": md5.toString("base64") });
}

export async function completeMultipartUpload(c: OssContext, b: Bucket, key: string, uploadId: string): Promise<void> {
  const u = c.core.oss.uploads.get(b, key, uploadId);
  const xml = (await readBody(c.req, COMPLETE_BODY_LIMIT)).toString("utf8");
  const parts = blocksOf(xml, "Part").map((p) => {
    const n = textsOf(p, "PartNumber")[0];
    const etag = textsOf(p, "ETag")[0];
    if (n === undefined || etag === undefined || !/^\d+$/.test(n)) {
      throw new OssError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: each <Part> needs <PartNumber> and <ETag>.");
    }
    return { partNumber: Number(n), etag };
  });
  const stored = await c.core.oss.uploads.complete(u, parts, c.core.settings.ossMaxObjectBytes);
  sendXml(
    c.res,
    200,
    c.requestId,
    "CompleteMultipartUploadResult",
    { Location: `http://${b.info.name}.${b.info.location}.aliyuncs.com/${encodeURIComponent(key).replace(/%2F/g, "/")}`, Bucket: b.info.name, Key: key, ETag: stored.info.etag },
    { etag: stored.info.etag },
  );
}

export function abortMultipartUpload(c: OssContext, b: Bucket, key: string, uploadId: string): void {
  c.core.oss.uploads.abort(c.core.oss.uploads.get(b, key, uploadId));
  sendEmpty(c.res, 204, c.requestId);
}
