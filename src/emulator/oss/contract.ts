/**
 * What the rest of the emulator (the content operations) may ask of the OSS stand-in.
 * The stand-in itself (HTTP, signatures, XML, multipart) lives beside this file; this is the
 * in-process face it shows to SubmitDNAJob / SubmitFpShotJob and to the DNAResult publisher.
 *
 * Buckets belong to one account (AccessKeyId) and one region (`oss-cn-shanghai` style
 * Location). An account never sees another account's buckets.
 */

export interface StoredObjectInfo {
  bucket: string;
  key: string;
  size: number;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export interface BucketInfo {
  name: string;
  /** `oss-cn-shanghai` style. */
  location: string;
  accountId: string;
}

export interface OssObjects {
  /** The bucket if `accountId` owns it. */
  bucket(accountId: string, bucket: string): BucketInfo | undefined;
  /** The object's bytes and metadata, or undefined when the bucket (of that account) or key does not exist. */
  read(accountId: string, bucket: string, key: string): Promise<{ info: StoredObjectInfo; body: Buffer } | undefined>;
  /** Creates the bucket for the account when missing (in `location`), then writes the object. */
  write(accountId: string, location: string, bucket: string, key: string, body: Buffer, contentType: string): Promise<StoredObjectInfo>;
  /**
   * A URL from which anyone may GET the object until `expiresInSeconds` pass: a query-string
   * signed URL (OSSAccessKeyId, Expires, Signature) on the emulator's own base URL, path style.
   */
  presignedGetUrl(accountId: string, bucket: string, key: string, expiresInSeconds: number): string;
}
