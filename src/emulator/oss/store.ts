/**
 * The OSS stand-in's data: buckets and objects in memory, object bytes in files under a
 * folder of this emulator instance (`<dataDir>/oss-XXXXXX`, made on first use, removed on close). Every
 * version of an object gets a fresh file, so a reader streaming the old bytes is never
 * disturbed by an overwrite. Implements the in-process contract (contract.ts) too.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { open, readFile, rm, writeFile, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorAccount } from "../options.js";
import type { BucketInfo, OssObjects, StoredObjectInfo } from "./contract.js";
import { OssError, accessDenied, noSuchBucket, noSuchKey } from "./errors.js";
import { objectEtag } from "./etag.js";
import { listPage, type ListPage, type ListQuery } from "./listing.js";
import { MultipartUploads } from "./multipart.js";
import { v1Signature, v1StringToSign } from "./sign-v1.js";

export interface StoredObject {
  info: StoredObjectInfo;
  /** The file holding this version's bytes. */
  file: string;
  /** x-oss-object-type: Normal (PutObject) or Multipart. */
  type: "Normal" | "Multipart";
  /** x-oss-meta-* headers, names lower-cased without the prefix. */
  meta: Record<string, string>;
}

export interface Bucket {
  info: BucketInfo;
  createdAt: Date;
  objects: Map<string, StoredObject>;
}

/** What GET /_emulator/state shows: names and sizes, never bytes. */
export interface OssBucketView {
  name: string;
  location: string;
  owner: string;
  objects: Array<{ key: string; size: number; etag: string; contentType: string }>;
  multipartUploads: number;
}

export interface OssStoreOptions {
  /** Parent folder of this instance's data folder; default the OS temp folder. */
  dataDir?: string;
  accounts: ReadonlyMap<string, EmulatorAccount>;
  now: () => number;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function checkBucketName(name: string): void {
  if (!BUCKET_NAME.test(name)) {
    throw new OssError(400, "InvalidBucketName", `The bucket name ${name} is invalid: 3-63 characters of lower-case letters, digits and hyphens, not starting or ending with a hyphen.`, { BucketName: name });
  }
}

export function checkObjectName(key: string): void {
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes < 1 || bytes > 1023 || key.startsWith("/") || key.startsWith("\\")) {
    throw new OssError(400, "InvalidObjectName", "The object name must be 1 to 1023 bytes of UTF-8 and must not start with / or \\.", { ObjectName: key });
  }
}

export class OssStore implements OssObjects {
  private folder: string | undefined;
  /** The emulator's own URL (http://127.0.0.1:PORT), set once the server listens. */
  baseUrl = "";
  private readonly buckets = new Map<string, Bucket>();
  readonly uploads = new MultipartUploads(this);

  constructor(private readonly options: OssStoreOptions) {}

  /**
   * This instance's folder; every object file lives directly inside it. Made on first use,
   * so an emulator that never stores an object leaves nothing on disk.
   */
  get root(): string {
    return (this.folder ??= mkdtempSync(join(this.options.dataDir ?? tmpdir(), "oss-")));
  }

  /** A new, unused file name in the data folder. */
  newFile(): string {
    return join(this.root, randomBytes(12).toString("hex"));
  }

  /** Deletes a received file that will not become an object. */
  async discard(file: string): Promise<void> {
    await rm(file, { force: true });
  }

  // --- buckets -------------------------------------------------------------

  /** The bucket by name whoever owns it (the HTTP layer decides what a stranger is told). */
  anyBucket(name: string): Bucket | undefined {
    return this.buckets.get(name);
  }

  bucket(accountId: string, name: string): BucketInfo | undefined {
    const b = this.buckets.get(name);
    return b && b.info.accountId === accountId ? { ...b.info } : undefined;
  }

  /** The account's bucket, or NoSuchBucket / AccessDenied (another account's: see docs). */
  ownBucket(accountId: string, name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw noSuchBucket(name);
    if (b.info.accountId !== accountId) throw accessDenied("The bucket you access does not belong to you.");
    return b;
  }

  bucketsOf(accountId: string): Bucket[] {
    return [...this.buckets.values()].filter((b) => b.info.accountId === accountId).sort((a, b) => (a.info.name < b.info.name ? -1 : 1));
  }

  /** Creates the bucket; an existing one of the same account is kept as it is (idempotent). */
  createBucket(accountId: string, name: string, location: string): Bucket {
    checkBucketName(name);
    const existing = this.buckets.get(name);
    if (existing) {
      if (existing.info.accountId !== accountId) {
        throw new OssError(409, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", { BucketName: name });
      }
      return existing;
    }
    const b: Bucket = { info: { name, location, accountId }, createdAt: new Date(this.options.now()), objects: new Map() };
    this.buckets.set(name, b);
    return b;
  }

  deleteBucket(accountId: string, name: string): void {
    const b = this.ownBucket(accountId, name);
    if (b.objects.size > 0) throw new OssError(409, "BucketNotEmpty", "The bucket you tried to delete is not empty.", { BucketName: name });
    this.uploads.clear(name);
    this.buckets.delete(name);
  }

  // --- objects -------------------------------------------------------------

  object(b: Bucket, key: string): StoredObject {
    const o = b.objects.get(key);
    if (!o) throw noSuchKey(key);
    return o;
  }

  /** Makes `file` (already written) the current version of the key; the old version's file goes. */
  commit(b: Bucket, key: string, file: string, size: number, etag: string, contentType: string, type: StoredObject["type"], meta: Record<string, string>): StoredObject {
    if (this.buckets.get(b.info.name) !== b) {
      // The bucket was deleted (or the emulator reset) while the body streamed in.
      void rm(file, { force: true });
      throw noSuchBucket(b.info.name);
    }
    const stored: StoredObject = {
      info: { bucket: b.info.name, key, size, contentType, etag, lastModified: new Date(Math.floor(this.options.now() / 1000) * 1000) },
      file,
      type,
      meta,
    };
    const old = b.objects.get(key);
    b.objects.set(key, stored);
    if (old) void rm(old.file, { force: true });
    return stored;
  }

  deleteObject(b: Bucket, key: string): void {
    const old = b.objects.get(key);
    if (!old) return;
    b.objects.delete(key);
    void rm(old.file, { force: true });
  }

  /**
   * The current version of the key, its file already open. Opening before any header goes
   * out matters: an overwrite or delete unlinks the old file, and an open file survives that.
   */
  async openCurrent(b: Bucket, key: string): Promise<{ o: StoredObject; file: FileHandle }> {
    for (;;) {
      const o = this.object(b, key);
      try {
        return { o, file: await open(o.file, "r") };
      } catch (e) {
        // Replaced or deleted between the lookup and the open: look again.
        if ((e as NodeJS.ErrnoException).code !== "ENOENT" || b.objects.get(key) === o) throw e;
      }
    }
  }

  list(b: Bucket, q: ListQuery): { page: ListPage; objects: StoredObject[] } {
    const sorted = [...b.objects.keys()].sort();
    const page = listPage(sorted, q);
    return { page, objects: page.keys.map((k) => b.objects.get(k)!) };
  }

  // --- the in-process contract ----------------------------------------------

  async read(accountId: string, bucket: string, key: string): Promise<{ info: StoredObjectInfo; body: Buffer } | undefined> {
    const b = this.buckets.get(bucket);
    const o = b && b.info.accountId === accountId ? b.objects.get(key) : undefined;
    if (!o) return undefined;
    return { info: { ...o.info }, body: await readFile(o.file) };
  }

  async write(accountId: string, location: string, bucket: string, key: string, body: Buffer, contentType: string): Promise<StoredObjectInfo> {
    checkObjectName(key);
    const b = this.createBucket(accountId, bucket, location);
    const file = this.newFile();
    await writeFile(file, body);
    const md5 = createHash("md5").update(body).digest();
    return { ...this.commit(b, key, file, body.length, objectEtag(md5), contentType, "Normal", {}).info };
  }

  presignedGetUrl(accountId: string, bucket: string, key: string, expiresInSeconds: number): string {
    const account = this.options.accounts.get(accountId);
    if (!account) throw new Error(`presignedGetUrl: ${accountId} is not an account of this emulator.`);
    const expires = String(Math.floor(this.options.now() / 1000) + Math.max(0, Math.floor(expiresInSeconds)));
    const stringToSign = v1StringToSign({ method: "GET", contentMd5: "", contentType: "", date: expires, headers: {}, resource: `/${bucket}/${key}`, query: [] });
    const signature = v1Signature(account.accessKeySecret, stringToSign);
    const path = `/${encodeURIComponent(bucket)}/${encodeURIComponent(key).replace(/%2F/g, "/")}`;
    const query = new URLSearchParams({ OSSAccessKeyId: accountId, Expires: expires, Signature: signature });
    return `${this.baseUrl}${path}?${query.toString()}`;
  }

  // --- control -------------------------------------------------------------

  view(): OssBucketView[] {
    return [...this.buckets.values()].map((b) => ({
      name: b.info.name,
      location: b.info.location,
      owner: b.info.accountId,
      objects: [...b.objects.values()]
        .sort((x, y) => (x.info.key < y.info.key ? -1 : 1))
        .map((o) => ({ key: o.info.key, size: o.info.size, etag: o.info.etag, contentType: o.info.contentType })),
      multipartUploads: this.uploads.countFor(b.info.name),
    }));
  }

  /** Reset: every bucket and object goes; their files are deleted. */
  clear(): void {
    this.uploads.clear();
    for (const b of this.buckets.values()) for (const o of b.objects.values()) void rm(o.file, { force: true });
    this.buckets.clear();
  }

  /** Close: the whole folder goes. */
  dispose(): void {
    this.clear();
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
  }
}
