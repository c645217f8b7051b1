/** The settings each part is built from, derived from the one Config (gateway and reconcile share them). */
import type { BackendSettings } from "../backends/index.js";
import type { RpcCredentials } from "../backends/signed-rpc-client.js";
import { loadTenantCredentials } from "../backends/tenant-credentials.js";
import type { Config } from "../config.js";
import type { ServiceSettings } from "../services/index.js";

export function backendSettingsFrom(config: Config): BackendSettings {
  return {
    credentials: config.cloud.credentials!,
    endpoints: config.cloud.endpoints,
    protocol: config.cloud.protocol,
    signatureAlgorithm: config.cloud.signatureAlgorithm,
    connectTimeoutMs: config.cloud.connectTimeoutMs,
    readTimeoutMs: config.cloud.readTimeoutMs,
    retry: config.cloud.retry,
    qpsLimit: config.cloud.qpsLimit,
  };
}

export function serviceSettingsFrom(config: Config): ServiceSettings {
  return {
    routing: config.routing,
    regions: { defaultRegion: config.regions.default, allowedRegions: config.regions.allowed },
    createIntentStaleMs: config.createIntentStaleMs,
    createRetryGraceMs: config.createRetryGraceMs,
  };
}

/** Tenants with their own cloud account (TENANT_CREDENTIALS_FILE); empty when the file is not set. */
export function tenantCredentialsFrom(config: Config): ReadonlyMap<string, RpcCredentials> {
  return config.cloud.tenantCredentialsFile ? loadTenantCredentials(config.cloud.tenantCredentialsFile) : new Map();
}
