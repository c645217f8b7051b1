/**
 * Multipart uploads, the way ali-oss `multipartUpload` drives them: initiate
 * (POST ?uploads), upload parts (PUT ?partNumber&uploadId), complete (POST ?uploadId
 * with the part list) or abort (DELETE ?uploadId). Parts are files of their own until
 * completion concatenates them, in the listed order, into the object's file.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { OssError, entityTooLarge, invalidArgument, noSuchUpload } from "./errors.js";
import { multipartEtag, objectEtag } from "./etag.js";
import type { Bucket, OssStore, StoredObject } from "./store.js";

/** OSS: every part but the last must be at least 100 KB. */
export const MIN_PART_BYTES = 100 * 1024;
export const MAX_PART_NUMBER = 10_000;

interface Part {
  file: string;
  size: number;
  md5: Buffer;
  etag: string;
}

export interface Upload {
  id: string;
  bucket: Bucket;
  key: string;
  contentType: string;
  meta: Record<string, string>;
  initiated: Date;
  parts: Map<number, Part>;
}

export class MultipartUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly store: OssStore) {}

  initiate(bucket: Bucket, key: string, contentType: string, meta: Record<string, string>, now: Date): Upload {
    // OSS upload ids are 32 upper-case hex characters.
    const upload: Upload = { id: randomBytes(16).toString("hex").toUpperCase(), bucket, key, contentType, meta, initiated: now, parts: new Map() };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  /** The upload with this id, for this bucket and key; else NoSuchUpload. */
  get(bucket: Bucket, key: string, uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (!u || u.bucket !== bucket || u.key !== key) throw noSuchUpload(uploadId);
    return u;
  }

  static partNumber(text: string): number {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= MAX_PART_NUMBER)) throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive.`, "partNumber", text);
    return n;
  }

  /** Records a received part (its file is already written); a part sent again replaces the old one. */
  addPart(u: Upload, n: number, file: string, size: number, md5: Buffer): string {
    if (this.uploads.get(u.id) !== u) {
      void rm(file, { force: true });
      throw noSuchUpload(u.id);
    }
    const etag = objectEtag(md5);
    const old = u.parts.get(n);
    u.parts.set(n, { file, size, md5, etag });
    if (old) void rm(old.file, { force: true });
    return etag;
  }

  /** Joins the listed parts into the object; the upload ends. */
  async complete(u: Upload, listed: Array<{ partNumber: number; etag: string }>, maxObjectBytes: number): Promise<StoredObject> {
    if (listed.length === 0) throw new OssError(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema: no Part.");
    const chosen: Part[] = [];
    let previous = 0;
    for (const [i, p] of listed.entries()) {
      if (p.partNumber <= previous) throw new OssError(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.");
      previous = p.partNumber;
      const part = u.parts.get(p.partNumber);
      if (!part || unquote(part.etag) !== unquote(p.etag)) {
        throw new OssError(400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", {
          PartNumber: String(p.partNumber),
          ETag: p.etag,
        });
      }
      if (i < listed.length - 1 && part.size < MIN_PART_BYTES) {
        throw new OssError(400, "EntityTooSmall", `Your proposed upload is smaller than the minimum allowed size: every part but the last must be at least ${MIN_PART_BYTES} bytes.`, {
          PartNumber: String(p.partNumber),
        });
      }
      chosen.push(part);
    }
    const total = chosen.reduce((sum, p) => sum + p.size, 0);
    if (total > maxObjectBytes) throw entityTooLarge(maxObjectBytes);

    // The upload is finished from here on: a second complete or an abort finds nothing.
    this.uploads.delete(u.id);
    const file = this.store.newFile();
    try {
      const out = createWriteStream(file);
      for (const part of chosen) await pipeline(createReadStream(part.file), out, { end: false });
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    } finally {
      for (const part of u.parts.values()) void rm(part.file, { force: true });
    }
    const etag = multipartEtag(chosen.map((p) => p.md5));
    return this.store.commit(u.bucket, u.key, file, total, etag, u.contentType, "Multipart", u.meta);
  }

  abort(u: Upload): void {
    this.uploads.delete(u.id);
    for (const part of u.parts.values()) void rm(part.file, { force: true });
  }

  countFor(bucketName: string): number {
    let n = 0;
    for (const u of this.uploads.values()) if (u.bucket.info.name === bucketName) n++;
    return n;
  }

  /** Uploads of a deleted bucket, or every upload on reset. */
  clear(bucketName?: string): void {
    for (const u of [...this.uploads.values()]) if (bucketName === undefined || u.bucket.info.name === bucketName) this.abort(u);
  }
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, "").toUpperCase();
}
