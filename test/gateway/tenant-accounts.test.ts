/**
 * Per-tenant cloud credentials (TENANT_CREDENTIALS_FILE): a tenant listed there keeps its
 * libraries in its own cloud account, through every operation and the watcher; other tenants
 * use the gateway's account. The emulator knows both accounts, so where each library lives
 * is checked on the backend itself. The secrets never show up in answers or logs.
 */
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { startGateway } from "../../src/server/gateway.js";
import { eventually, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";

const OWN = { accessKeyId: "LTAI-tenant-own", accessKeySecret: "tenant-own-secret-9f8e7d" };
const KEY_OWN = "tenant-own-key-0123456789abcdef";
const KEY_SHARED = "tenant-shared-key-fedcba987654";
const credentialsFile = join(tmpdir(), `fg-tenant-credentials-${randomUUID()}.json`);

let h: Harness;

beforeAll(async () => {
  writeFileSync(credentialsFile, JSON.stringify({ own: OWN }));
  h = await startHarness({
    emulator: { activationDelayMs: 200, activationJitterMs: 0, deleteJobDelayMs: 150, accounts: [DEFAULT_DEV_ACCOUNT, OWN] },
    env: {
      API_KEYS: `own:${KEY_OWN},shared:${KEY_SHARED}`,
      TENANT_CREDENTIALS_FILE: credentialsFile,
      WATCHER_TICK_MS: "20",
      WATCHER_MIN_INTERVAL_MS: "50",
      WATCHER_MAX_INTERVAL_MS: "100",
    },
  });
});
afterAll(async () => {
  await h?.close();
  rmSync(credentialsFile, { force: true });
});

async function as(key: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> {
  const response = await h.post(JSON.stringify({ query, variables }), { authorization: `Bearer ${key}` });
  return (await response.json()) as GraphQLResponse;
}

const CREATE = `mutation ($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId backend status } } }`;
const GET = `query ($id: ID!) { fingerprintLibrary(id: $id) { id status } }`;
const DELETE = `mutation ($id: ID!) { deleteFingerprintLibrary(id: $id) { library { id status } } }`;
const ownerOf = (backendLibraryId: string) => h.emulator.control.state().libraries.find((l) => l.id === backendLibraryId)?.owner;

describe("per-tenant cloud accounts", () => {
  it("creates, watches and deletes a tenant's libraries in its own account, and everyone else's in the gateway's", async () => {
    const made: Array<{ key: string; account: string; id: string; backendLibraryId: string }> = [];
    for (const [key, account] of [[KEY_OWN, OWN.accessKeyId], [KEY_SHARED, DEFAULT_DEV_ACCOUNT.accessKeyId]] as const) {
      for (const model of ["VIDEO", "IMAGE"]) {
        const created = await as(key, CREATE, { input: { name: `${model}-${account}`, model } });
        expect(created.errors).toBeUndefined();
        const { id, backendLibraryId } = created.data!.createFingerprintLibrary.library;
        expect(ownerOf(backendLibraryId)).toBe(account);
        made.push({ key, account, id, backendLibraryId });
      }
    }

    // The watcher reads each account's libraries with that account's credentials.
    for (const { key, id } of made) {
      await eventually(async () => (await as(key, GET, { id })).data?.fingerprintLibrary?.status === "ACTIVE");
    }

    // Deletes go to the right account too (ICE at once, MPS through a job).
    for (const { key, id, backendLibraryId } of made) {
      const deleted = await as(key, DELETE, { id });
      expect(deleted.errors).toBeUndefined();
      await eventually(async () => (await as(key, GET, { id })).data?.fingerprintLibrary?.status === "DELETED");
      expect(ownerOf(backendLibraryId)).toBeUndefined();
    }
  });

  it("never shows the tenant's secret in a log line", () => {
    expect(h.logs.join("")).not.toContain(OWN.accessKeySecret);
    expect(h.logs.join("")).toContain("tenants with their own cloud account");
  });

  it("refuses to start on a credentials file it cannot use, without quoting a secret", async () => {
    const broken = join(tmpdir(), `fg-tenant-credentials-broken-${randomUUID()}.json`);
    const base = {
      PORT: "0",
      ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
      TENANT_CREDENTIALS_FILE: broken,
    };
    try {
      writeFileSync(broken, `{"own": {"accessKeyId": "LTAI-x", "accessKeySecret": "leaky-secret-123",}}`);
      await expect(startGateway(loadConfig(base))).rejects.toThrow(/TENANT_CREDENTIALS_FILE .* is not valid JSON/);
      await expect(startGateway(loadConfig(base))).rejects.not.toThrow(/leaky-secret-123/);

      writeFileSync(broken, JSON.stringify({ own: { accessKeyId: "LTAI-x", accessKeySecret: "" } }));
      await expect(startGateway(loadConfig(base))).rejects.toThrow(/own\.accessKeySecret: accessKeySecret must not be empty/);

      rmSync(broken);
      await expect(startGateway(loadConfig(base))).rejects.toThrow(/TENANT_CREDENTIALS_FILE: cannot read .*ENOENT/);
    } finally {
      rmSync(broken, { force: true });
    }
  });

  it("says per-tenant accounts need cloud mode", () => {
    expect(() => loadConfig({ TENANT_CREDENTIALS_FILE: credentialsFile })).toThrow(/TENANT_CREDENTIALS_FILE: per-tenant cloud accounts need cloud mode/);
  });
});
