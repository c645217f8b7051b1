/**
 * Writing OSS answers: every one carries x-oss-request-id (ali-oss reads the request id
 * from it) and `Server: AliyunOSS`. Errors are OSS's <Error> XML; a HEAD error has no
 * body, so its XML travels base64-encoded in x-oss-err, where ali-oss looks for it.
 */
import type { ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { OssError } from "./errors.js";
import { toXml, type XmlValue } from "./xml.js";

/** OSS request ids: 24 upper-case hex characters. */
export function newOssRequestId(): string {
  return randomBytes(12).toString("hex").toUpperCase();
}

export function baseHeaders(requestId: string): Record<string, string> {
  return { "x-oss-request-id": requestId, server: "AliyunOSS", date: new Date().toUTCString() };
}

export function sendXml(res: ServerResponse, status: number, requestId: string, root: string, node: XmlValue, headers: Record<string, string> = {}): void {
  const text = toXml(root, node);
  res.writeHead(status, { ...baseHeaders(requestId), ...headers, "content-type": "application/xml", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, requestId: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...baseHeaders(requestId), "content-length": 0, ...headers });
  res.end();
}

export function errorXml(e: OssError, requestId: string, hostId: string): string {
  return toXml("Error", { Code: e.code, Message: e.message, RequestId: requestId, HostId: hostId, ...e.details });
}

export function sendError(res: ServerResponse, method: string, e: OssError, requestId: string, hostId: string): void {
  const text = errorXml(e, requestId, hostId);
  if (method === "HEAD") {
    sendEmpty(res, e.status, requestId, { "x-oss-err": Buffer.from(text, "utf8").toString("base64") });
    return;
  }
  res.writeHead(e.status, { ...baseHeaders(requestId), "content-type": "application/xml", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
