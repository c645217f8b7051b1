/**
 * Result files in the OSS stand-in: ICE DNAResult documents and MPS import reports go
 * to one results bucket per account, in the region the job ran in, and are handed out
 * as presigned GET URLs (made fresh on every query, valid for RESULT_URL_SECONDS).
 */
import { createHash } from "node:crypto";
import type { OssObjects } from "../oss/contract.js";

export const RESULT_URL_SECONDS = 24 * 3600;

/** `fingerprint-results-<12 hex>`: stable per account, and no AccessKeyId in a bucket name. */
export function resultsBucket(accountId: string): string {
  return `fingerprint-results-${createHash("sha256").update(accountId).digest("hex").slice(0, 12)}`;
}

export function dnaResultKey(kind: string, jobId: string): string {
  return `fingerprint/${kind}/search_result/${jobId}/${jobId}.txt`;
}

export function importReportKey(jobId: string): string {
  return `fingerprint/text/import_result/${jobId}/${jobId}.txt`;
}

export async function publish(oss: OssObjects, accountId: string, region: string, key: string, body: string): Promise<void> {
  await oss.write(accountId, `oss-${region}`, resultsBucket(accountId), key, Buffer.from(body, "utf8"), "text/plain; charset=utf-8");
}

export function resultUrl(oss: OssObjects | undefined, accountId: string, key: string | null): string | undefined {
  if (!oss || key === null) return undefined;
  return oss.presignedGetUrl(accountId, resultsBucket(accountId), key, RESULT_URL_SECONDS);
}
