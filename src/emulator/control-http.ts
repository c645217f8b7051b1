/**
 * HTTP routes of the control API under /_emulator/ (JSON in and out, no signature).
 * Each route is a thin wrapper over one EmulatorControl method.
 */
import { ControlError, type EmulatorControl } from "./control.js";

export interface ControlAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Handler = (args: { params: string[]; json: () => unknown }) => unknown | Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  run: Handler;
}

const ok = { status: "ok" };

function routes(control: EmulatorControl): Route[] {
  const r = (method: string, pattern: RegExp, run: Handler): Route => ({ method, pattern, run });
  return [
    r("GET", /^health$/, () => ok),
    r("POST", /^reset$/, () => (control.reset(), ok)),
    r("GET", /^state$/, () => control.state()),
    r("GET", /^settings$/, () => control.settings()),
    r("PATCH", /^settings$/, ({ json }) => control.updateSettings(json() as never)),
    r("POST", /^libraries\/(?<id>[^/]+)\/activate$/, ({ params }) => control.activate(params[0]!)),
    r("POST", /^libraries\/(?<id>[^/]+)\/pause$/, ({ params }) => control.pause(params[0]!)),
    r("POST", /^libraries\/(?<id>[^/]+)\/delete$/, ({ params }) => control.deleteLibrary(params[0]!)),
    r("POST", /^jobs\/(?<JobId>[^/]+)\/finish$/, ({ params }) => control.finishJob(params[0]!)),
    r("POST", /^content-jobs\/(?<JobId>[^/]+)\/finish$/, ({ params }) => control.finishContentJob(params[0]!)),
    r("POST", /^content-jobs\/(?<JobId>[^/]+)\/fail$/, ({ params, json }) => control.failContentJob(params[0]!, json() as never)),
    r("POST", /^queues\/(?<service>[^/]+)\/pause$/, ({ params }) => control.pauseQueue(params[0] as never)),
    r("POST", /^queues\/(?<service>[^/]+)\/resume$/, ({ params }) => control.resumeQueue(params[0] as never)),
    r("GET", /^faults$/, () => control.faults()),
    r("DELETE", /^faults$/, () => (control.clearFaults(), ok)),
    r("PUT", /^faults\/(?<Action>[^/]+)$/, ({ params, json }) => control.setFault(params[0]!, json() as never)),
    r("DELETE", /^faults\/(?<Action>[^/]+)$/, ({ params }) => {
      if (!control.clearFault(params[0]!)) throw new ControlError(404, "FaultNotFound", `No fault is set for ${params[0]}.`);
      return ok;
    }),
    r("POST", /^state\/save$/, ({ json }) => control.saveState(pathOf(json()))),
    r("POST", /^state\/load$/, ({ json }) => control.loadState(pathOf(json()))),
  ];
}

function pathOf(body: unknown): string {
  const path = (body as { path?: unknown } | null)?.path;
  if (typeof path !== "string" || path === "") throw new ControlError(400, "InvalidPath", 'The body must be {"path": "<file>"}.');
  return path;
}

/** Answers one control request; `subPath` is the part after "/_emulator/". */
export async function handleControlRequest(control: EmulatorControl, method: string, subPath: string, body: Buffer): Promise<ControlAnswer> {
  const table = routes(control);
  const matching = table.filter((rt) => rt.pattern.test(subPath));
  if (matching.length === 0) {
    return error(404, "RouteNotFound", `No control route ${method} /_emulator/${subPath}. Routes: ${table.map(describe).join(", ")}.`);
  }
  const route = matching.find((rt) => rt.method === method);
  if (!route) {
    const allowed = matching.map((rt) => rt.method).join(", ");
    return { ...error(405, "MethodNotAllowed", `/_emulator/${subPath} accepts ${allowed}, not ${method}.`), headers: { allow: allowed } };
  }
  const json = () => {
    const text = body.toString("utf8").trim();
    if (text === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new ControlError(400, "InvalidJson", `The request body is not valid JSON (${(e as Error).message}).`);
    }
  };
  try {
    const params = route.pattern.exec(subPath)!.slice(1).map(decodeSegment);
    return { status: 200, body: await route.run({ params, json }) };
  } catch (e) {
    if (e instanceof ControlError) return error(e.httpStatus, e.code, e.message);
    throw e;
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ControlError(400, "InvalidPath", `The path segment ${segment} is not valid percent-encoding.`);
  }
}

function error(status: number, code: string, message: string): ControlAnswer {
  return { status, body: { Code: code, Message: message } };
}

function describe(rt: Route): string {
  const path = rt.pattern.source.replace(/^\^|\$$/g, "").replace(/\(\?<(\w+)>\[\^\/\]\+\)/g, "{$1}").replace(/\\\//g, "/");
  return `${rt.method} /_emulator/${path}`;
}
