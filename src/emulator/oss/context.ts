/** What every OSS operation gets: the request as received, who sent it, and where to answer. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCore } from "../core.js";
import type { OssCaller } from "./authenticate.js";
import type { OssHostInfo } from "./request-target.js";

export interface OssContext {
  core: EmulatorCore;
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  method: string;
  /** Lower-cased names, first value of each. */
  headers: Record<string, string>;
  /** Decoded query parameters, first value of each name. */
  query: Map<string, string>;
  host: OssHostInfo;
  /** A signed caller (anonymous requests are refused before operations run). */
  caller: OssCaller & { accessKeyId: string };
}

/** x-oss-meta-* headers, names without the prefix. */
export function userMeta(headers: Record<string, string>): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith("x-oss-meta-")) meta[k.slice("x-oss-meta-".length)] = v;
  return meta;
}
