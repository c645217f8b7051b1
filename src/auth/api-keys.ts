/**
 * API keys, each mapped to a tenant. Only SHA-256 digests are kept in memory, and a
 * presented key is compared against every digest with timingSafeEqual, so neither the
 * keys nor their position in the table leak through timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface ApiKeyEntry {
  tenantId: string;
  /** SHA-256 of the key. */
  digest: Buffer;
}

export class ApiKeyTable {
  private readonly entries: ApiKeyEntry[];

  constructor(keys: ReadonlyArray<{ tenantId: string; key: string }>) {
    this.entries = keys.map(({ tenantId, key }) => ({ tenantId, digest: digestOf(key) }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The tenant of a key, or null. Takes the same time whichever entry (if any) matches. */
  tenantOf(presented: string): string | null {
    const digest = digestOf(presented);
    let tenant: string | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && tenant === null) tenant = entry.tenantId;
    }
    return tenant;
  }
}

const digestOf = (key: string) => createHash("sha256").update(key, "utf8").digest();

/**
 * `API_KEYS` is `tenant:key,tenant:key`; `API_KEYS_FILE` names a JSON file holding
 * `[{"tenant": "...", "key": "..."}]`. A key must be at least 16 characters: short keys are
 * guessable.
 */
export function parseApiKeys(text: string, source: string): Array<{ tenantId: string; key: string }> {
  const pairs = text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair, index) => {
      const colon = pair.indexOf(":");
      if (colon <= 0) throw new Error(`${source}: entry ${index + 1} is not tenant:key`);
      return { tenantId: pair.slice(0, colon).trim(), key: pair.slice(colon + 1).trim() };
    });
  return validated(pairs, source);
}

export function parseApiKeyFile(json: string, source: string): Array<{ tenantId: string; key: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${source}: must be a JSON array of {"tenant": "...", "key": "..."}`);
  return validated(
    parsed.map((entry, index) => {
      const { tenant, key } = (entry ?? {}) as { tenant?: unknown; key?: unknown };
      if (typeof tenant !== "string" || typeof key !== "string") throw new Error(`${source}: entry ${index + 1} needs string "tenant" and "key"`);
      return { tenantId: tenant, key };
    }),
    source,
  );
}

function validated(pairs: Array<{ tenantId: string; key: string }>, source: string) {
  const seen = new Set<string>();
  pairs.forEach(({ tenantId, key }, index) => {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(tenantId)) throw new Error(`${source}: entry ${index + 1} has a tenant that is not 1-64 letters, digits, '.', '_' or '-'`);
    if (key.length < 16) throw new Error(`${source}: the key of entry ${index + 1} (tenant ${tenantId}) is shorter than 16 characters`);
    if (seen.has(key)) throw new Error(`${source}: entry ${index + 1} repeats a key`);
    seen.add(key);
  });
  return pairs;
}
