/**
 * The HTTP server: one port for both services, the OSS stand-in and the control API. It
 * only moves bytes; what to answer is decided by api-handler.ts, oss/handler.ts and
 * control-http.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleApiRequest } from "./api-handler.js";
import type { ReceivedRequest } from "./auth/authenticate.js";
import type { EmulatorControl } from "./control.js";
import { handleControlRequest } from "./control-http.js";
import type { EmulatorCore } from "./core.js";
import { BodyTooLargeError, formPairs, pairs, readBody } from "./http/body.js";
import { sendJson } from "./http/respond.js";
import { newRequestId } from "./ids.js";
import { handleOssRequest } from "./oss/handler.js";
import { isOssRequest } from "./oss/routing.js";

const CONTROL_PREFIX = "/_emulator/";

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(core: EmulatorCore, control: EmulatorControl, host: string, port: number): Promise<ListeningServer> {
  // Aborted on close so that requests sleeping on an injected latency end at once.
  const closing = new AbortController();
  const server = createServer((req, res) => {
    serve(core, control, req, res, closing.signal).catch((e: unknown) => {
      core.log(`unhandled: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { Code: "InternalError", Message: "The emulator failed to answer." });
      else res.destroy();
    });
  });

  // Like a cloud load balancer, keep idle connections for a minute. Node's default (5 s)
  // races clients that reuse a pooled socket just as the server closes it (ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Node ends any request whose body takes over 5 minutes by default; an OSS upload of a
  // large media file on a slow link may. Header timeouts still guard against idle clients.
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // The SDKs keep connections alive; an idle one must not hold close() up.
        server.closeAllConnections();
      })),
  };
}

async function serve(core: EmulatorCore, control: EmulatorControl, req: IncomingMessage, res: ServerResponse, closing: AbortSignal): Promise<void> {
  const started = Date.now();
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const method = (req.method ?? "GET").toUpperCase();

  // OSS before reading the body: object uploads are streamed to disk, not buffered here.
  if (!isControlPath(path) && isOssRequest(req.headers, q < 0 ? "" : rawUrl.slice(q + 1))) {
    const outcome = await handleOssRequest(core, req, res);
    const who = outcome.accessKeyId ? `${outcome.accessKeyId} [${outcome.algorithm}]` : "-";
    core.log(`OSS ${outcome.operation} ${who} -> ${outcome.status}${outcome.code ? ` ${outcome.code}` : ""} (${Date.now() - started} ms)`);
    return;
  }

  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLargeError) {
      sendJson(res, 413, { RequestId: newRequestId(), HostId: req.headers.host ?? "", Code: "RequestEntityTooLarge", Message: e.message });
      req.destroy();
      return;
    }
    throw e;
  }

  if (isControlPath(path)) {
    const answer = await handleControlRequest(control, method, path.slice(CONTROL_PREFIX.length), body);
    if (answer.headers) for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
    sendJson(res, answer.status, answer.body);
    return;
  }

  const requestId = newRequestId();
  const received: ReceivedRequest = {
    method,
    path,
    query: pairs(q < 0 ? "" : rawUrl.slice(q + 1)),
    form: formPairs(req.headers["content-type"], body),
    headers: req.headersDistinct,
    body,
  };
  const outcome = await handleApiRequest(core, received, requestId, (ms) => sleep(ms, closing));
  const took = Date.now() - started;
  if (outcome.kind === "drop") {
    core.log(`${method} ${outcome.action ?? "?"} -> connection dropped (${took} ms)`);
    req.socket.destroy();
    return;
  }
  const code = outcome.status === 200 ? "" : ` ${String(outcome.body.Code)}`;
  const who = outcome.accessKeyId ? `${outcome.accessKeyId} [${outcome.algorithm}]` : "-";
  core.log(`${method} ${outcome.action ?? "?"} ${who} -> ${outcome.status}${code} (${took} ms) ${requestId}`);
  sendJson(res, outcome.status, outcome.body, requestId);
}

function isControlPath(path: string): boolean {
  return path.startsWith(CONTROL_PREFIX) || path === CONTROL_PREFIX.slice(0, -1);
}

/** Resolves true after `ms`, or false as soon as the emulator closes. */
function sleep(ms: number, closing: AbortSignal): Promise<boolean> {
  if (closing.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      closing.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    closing.addEventListener("abort", onAbort, { once: true });
  });
}
