/**
 * Start-up step: registry rows from before the account column get their tenant's cloud
 * account (the migration could not know TENANT_CREDENTIALS_FILE). Cheap when there is
 * nothing to do (one query that finds no rows).
 */
import type { Logger } from "pino";
import type { BackendAccounts } from "../backends/index.js";
import type { Store } from "../store/ports.js";

export async function assignLegacyAccounts(store: Store, accounts: BackendAccounts, log: Pick<Logger, "info" | "warn">): Promise<void> {
  const { assigned, conflicts } = await store.libraries.assignLegacyAccounts((tenantId) => accounts.accountOf(tenantId));
  if (assigned > 0) log.info({ assigned }, "registry rows from before the account column were given their tenant's account");
  for (const library of conflicts) {
    log.warn(
      { libraryId: library.id, tenantId: library.tenantId, backend: library.backend, backendLibraryId: library.backendLibraryId },
      "another tenant's registry row holds the same backend library; this row keeps its legacy account until a person deletes one of them",
    );
  }
}
