/**
 * The pipeline of a service request, independent of sockets:
 * route (Version + Action) -> authenticate -> faults -> throttle -> handler.
 * It returns what to answer (or that the connection must be dropped); the server writes it.
 */
import { authenticate, signingMode, type ReceivedRequest } from "./auth/authenticate.js";
import type { EmulatorCore } from "./core.js";
import { ApiError, actionNotFound, internalError, invalidRegionId, missingParameter, throttling } from "./errors.js";
import { hostIdFor, parseHost, regionOf, REGION_HEADER } from "./http/host.js";
import { serviceForVersion, SERVICES } from "./services/registry.js";

export type ApiOutcome =
  | { kind: "answer"; status: number; body: Record<string, unknown>; action?: string; accessKeyId?: string; algorithm?: string }
  | { kind: "drop"; action?: string };

export async function handleApiRequest(
  core: EmulatorCore,
  req: ReceivedRequest,
  requestId: string,
  wait: (ms: number) => Promise<boolean>,
): Promise<ApiOutcome> {
  const host = parseHost(req.headers["host"]?.[0]);
  const choice = regionOf(host, req.headers[REGION_HEADER]?.[0], core.settings.region);
  const region = "region" in choice ? choice.region : core.settings.region;
  let hostId = host.raw || "localhost";
  const fail = (e: ApiError, action?: string, accessKeyId?: string, algorithm?: string): ApiOutcome => ({
    kind: "answer",
    status: e.httpStatus,
    body: { RequestId: requestId, HostId: hostId, Code: e.code, Message: e.message },
    ...(action !== undefined ? { action } : {}),
    ...(accessKeyId !== undefined ? { accessKeyId } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
  });

  let action: string | undefined;
  let accessKeyId: string | undefined;
  let algorithm: string | undefined;
  try {
    if (req.path !== "/") {
      throw actionNotFound(`There is no API at path ${req.path}: RPC requests go to "/" (control API: /_emulator/...).`);
    }
    const { action: a, version } = routeOf(req);
    action = a;
    if (!version) throw missingParameter("Version");
    if (!a) throw missingParameter("Action");
    const service = serviceForVersion(version);
    if (service) hostId = hostIdFor(host, service.info.product, region);
    if ("malformed" in choice) throw invalidRegionId(choice.malformed);
    const handler = service?.actions[a];
    if (!service || !handler) {
      const known = SERVICES.map((s) => `${s.info.label} ${s.info.version}: ${Object.keys(s.actions).join(", ")}`).join("; ");
      throw actionNotFound(
        service
          ? `The action ${a} is not found in ${service.info.label} version ${version}. Emulated actions: ${known}.`
          : `The version ${version} is not emulated (action ${a}). Emulated actions: ${known}.`,
      );
    }

    const now = core.now();
    const who = authenticate(req, {
      accounts: core.accounts,
      nonces: core.nonces,
      skewToleranceMs: core.settings.clockSkewToleranceMs,
      now,
    });
    accessKeyId = who.accessKeyId;
    algorithm = who.algorithm;

    const fault = core.faults.decide(a, core.random);
    if (fault) {
      if (fault.latencyMs > 0 && !(await wait(fault.latencyMs))) return { kind: "drop", action: a };
      if (fault.drop) return { kind: "drop", action: a };
      if (fault.error) throw fault.error;
    }

    const limit = core.settings.qpsLimits[a] ?? 100;
    if (!core.throttle.take(accessKeyId, a, limit, core.now())) {
      throw throttling(`Request was denied due to request throttling: ${a} allows ${limit} requests per second per account.`);
    }

    const at = core.now();
    core.state.settle(at);
    const params = new Map([...req.query, ...req.form]);
    const result = handler({ params, accessKeyId, region, now: at, state: core.state, settings: core.settings, random: core.random, content: core.content });
    return { kind: "answer", status: 200, body: { RequestId: requestId, ...result }, action: a, accessKeyId, algorithm };
  } catch (e) {
    if (e instanceof ApiError) return fail(e, action, accessKeyId, algorithm);
    core.log(`internal error: ${(e as Error).stack ?? String(e)}`);
    return fail(internalError(), action, accessKeyId, algorithm);
  }
}

/**
 * ACS3 names the operation in signed headers; V2 in signed query parameters. Each
 * mode reads its signed source first, so routing follows what the signature covers.
 */
function routeOf(req: ReceivedRequest): { action?: string; version?: string } {
  const header = (n: string) => req.headers[n]?.[0];
  const param = (n: string) => [...req.query, ...req.form].find(([k]) => k === n)?.[1];
  return signingMode(req) === "acs3"
    ? { action: header("x-acs-action") ?? param("Action"), version: header("x-acs-version") ?? param("Version") }
    : { action: param("Action") ?? header("x-acs-action"), version: param("Version") ?? header("x-acs-version") };
}
