/**
 * The query parameters that V1 signatures cover (OSS's "sub-resources"). Others, such
 * as `prefix` or `max-keys`, travel unsigned. The list is OSS's documented one plus
 * `continuation-token`, which ali-oss signs on ListObjectsV2 (so OSS must too).
 */
const SIGNED = new Set([
  "acl", "append", "bucketInfo", "callback", "callback-var", "cname", "comp", "continuation-token", "cors", "delete",
  "encryption", "endTime", "img", "inventory", "inventoryId", "lifecycle", "live", "location", "logging", "objectMeta",
  "partNumber", "policy", "position", "qos", "referer", "replication", "replicationLocation", "replicationProgress",
  "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
  "response-content-language", "response-content-type", "response-expires", "restore", "security-token", "sequential",
  "startTime", "stat", "status", "style", "styleName", "symlink", "tagging", "transferAcceleration", "uploadId",
  "uploads", "versionId", "versioning", "versions", "vod", "website", "worm", "wormExtend", "wormId",
  "x-oss-process", "x-oss-traffic-limit",
]);

export function isSignedSubResource(name: string): boolean {
  return SIGNED.has(name);
}
