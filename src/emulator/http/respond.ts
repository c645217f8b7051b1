import type { ServerResponse } from "node:http";

/** Writes a JSON answer. The POP gateway sends the request id as a header too. */
export function sendJson(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    "content-type": "application/json;charset=utf-8",
    "content-length": Buffer.byteLength(text),
  };
  if (requestId) headers["x-acs-request-id"] = requestId;
  res.writeHead(status, headers);
  res.end(text);
}
