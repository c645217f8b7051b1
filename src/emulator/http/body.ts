/** Reading a request body with a size limit, and splitting parameters out of it. */
import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Name/value pairs of a query string or form body, in order (URLSearchParams decoding). */
export function pairs(encoded: string): Array<[string, string]> {
  return [...new URLSearchParams(encoded)];
}

/** Form fields when the body is application/x-www-form-urlencoded, else nothing. */
export function formPairs(contentType: string | undefined, body: Buffer): Array<[string, string]> {
  if (!contentType || !/^application\/x-www-form-urlencoded\b/i.test(contentType.trim())) return [];
  return pairs(body.toString("utf8"));
}
