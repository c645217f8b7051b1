/** OSS ETags: the upper-case hex MD5 in quotes; multipart objects: MD5 of the parts' MD5s, then `-<parts>`. */
import { createHash } from "node:crypto";

export function objectEtag(md5: Buffer): string {
  return `"${md5.toString("hex").toUpperCase()}"`;
}

export function multipartEtag(partMd5s: Buffer[]): string {
  const md5 = createHash("md5").update(Buffer.concat(partMd5s)).digest("hex").toUpperCase();
  return `"${md5}-${partMd5s.length}"`;
}
