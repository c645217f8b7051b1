/**
 * Which cloud account serves a tenant. Every tenant uses the gateway's own account unless
 * TENANT_CREDENTIALS_FILE gives it one; each account gets its own backends (clients, QPS
 * limiters, retry state), because Alibaba's quotas and QPS limits are per account.
 */
import type { Backends } from "./port.js";
import type { RpcCredentials } from "./signed-rpc-client.js";

/** The gateway's own account. A tenant's own account is named after the tenant. */
export const DEFAULT_ACCOUNT = "default";

export interface BackendAccounts {
  /** The gateway's account: for tenants without their own, and for tools that work account-wide. */
  readonly default: Backends;
  /** The account a tenant's libraries live in. */
  accountOf(tenantId: string): string;
  forTenant(tenantId: string): Backends;
  /** Every account, for account-wide work (the reconciler's orphan listing). */
  all(): ReadonlyArray<{ account: string; backends: Backends }>;
}

export function backendAccounts(
  gatewayCredentials: RpcCredentials,
  tenantCredentials: ReadonlyMap<string, RpcCredentials>,
  build: (credentials: RpcCredentials) => Backends,
): BackendAccounts {
  const defaults = build(gatewayCredentials);
  const own = new Map([...tenantCredentials].map(([tenantId, credentials]) => [tenantId, build(credentials)] as const));
  const all = [{ account: DEFAULT_ACCOUNT, backends: defaults }, ...[...own].map(([tenantId, backends]) => ({ account: accountName(tenantId), backends }))];
  return {
    default: defaults,
    accountOf: (tenantId) => (own.has(tenantId) ? accountName(tenantId) : DEFAULT_ACCOUNT),
    forTenant: (tenantId) => own.get(tenantId) ?? defaults,
    all: () => all,
  };
}

/** One account for everyone: the gateway's. */
export function singleAccount(backends: Backends): BackendAccounts {
  const all = [{ account: DEFAULT_ACCOUNT, backends }];
  return { default: backends, accountOf: () => DEFAULT_ACCOUNT, forTenant: () => backends, all: () => all };
}

// "tenant:" cannot clash with DEFAULT_ACCOUNT, whatever the tenant is called.
const accountName = (tenantId: string) => `tenant:${tenantId}`;
