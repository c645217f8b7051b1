/** Builds both backends from settings: one signed client, limiter and retry policy per service. */
import type { FingerprintBackend } from "../domain/model.js";
import { ICE_API_VERSION, ICE_QPS_LIMITS, IceBackend } from "./ice-backend.js";
import { MPS_API_VERSION, MPS_QPS_LIMITS, MpsBackend } from "./mps-backend.js";
import { backendAccounts, type BackendAccounts } from "./accounts.js";
import type { Backends } from "./port.js";
import { ResilientCaller, type BackendCallObserver, type RetryPolicy } from "./resilient-caller.js";
import { SignedRpcClient, type RpcCredentials, type RpcTarget } from "./signed-rpc-client.js";

export interface BackendSettings {
  credentials: RpcCredentials;
  /** Endpoint templates; `{region}` is replaced by the library's region. */
  endpoints: Readonly<Record<FingerprintBackend, string>>;
  protocol: "http" | "https";
  signatureAlgorithm: "v3" | "v2";
  connectTimeoutMs: number;
  readTimeoutMs: number;
  retry: RetryPolicy;
  /** Overrides every action's documented QPS limit when set (e.g. a lower contractual limit). */
  qpsLimit?: number;
}

/** The gateway's account, plus one per tenant that has its own credentials. */
export function createBackendAccounts(
  settings: BackendSettings,
  tenantCredentials: ReadonlyMap<string, RpcCredentials> = new Map(),
  observe?: BackendCallObserver,
): BackendAccounts {
  return backendAccounts(settings.credentials, tenantCredentials, (credentials) => createBackends({ ...settings, credentials }, observe));
}

export function createBackends(settings: BackendSettings, observe?: BackendCallObserver): Backends {
  const caller = (backend: FingerprintBackend, version: string, documented: Readonly<Record<string, number>>) =>
    new ResilientCaller({
      backend,
      client: new SignedRpcClient({
        version,
        target: (region) => endpointFor(settings, backend, region),
        credentials: settings.credentials,
        connectTimeoutMs: settings.connectTimeoutMs,
        readTimeoutMs: settings.readTimeoutMs,
        signatureAlgorithm: settings.signatureAlgorithm,
      }),
      qpsLimits: settings.qpsLimit ? {} : documented,
      defaultQps: settings.qpsLimit ?? 100,
      retry: settings.retry,
      observe,
    });
  return {
    ICE: new IceBackend(caller("ICE", ICE_API_VERSION, ICE_QPS_LIMITS)),
    MPS: new MpsBackend(caller("MPS", MPS_API_VERSION, MPS_QPS_LIMITS)),
  };
}

/**
 * Where a call for `region` goes. An endpoint template without `{region}` (a local emulator's
 * `127.0.0.1:PORT`, a central endpoint) cannot tell the service the region, so the region
 * travels in the x-acs-region-id header instead: a library is always asked for in its region.
 */
export function endpointFor(settings: Pick<BackendSettings, "endpoints" | "protocol">, backend: FingerprintBackend, region: string): RpcTarget {
  const template = settings.endpoints[backend];
  const endpoint = template.replaceAll("{region}", region);
  return template.includes("{region}") ? { endpoint, protocol: settings.protocol } : { endpoint, protocol: settings.protocol, regionHeader: region };
}

/** One string per distinct (endpoint, region) listing: what one List without ids returns. */
export function endpointKey(settings: Pick<BackendSettings, "endpoints" | "protocol">, backend: FingerprintBackend, region: string): string {
  const target = endpointFor(settings, backend, region);
  return `${target.protocol}://${target.endpoint}${target.regionHeader ? `#${target.regionHeader}` : ""}`;
}

export { DEFAULT_ACCOUNT, singleAccount, type BackendAccounts } from "./accounts.js";
export type { Backend, Backends, BackendLibrary } from "./port.js";
