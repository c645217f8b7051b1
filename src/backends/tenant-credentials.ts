/**
 * Per-tenant cloud credentials: a tenant listed in TENANT_CREDENTIALS_FILE keeps its
 * libraries in its own Alibaba Cloud account, with its own quotas and QPS limits; every
 * other tenant uses the gateway's account (ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET).
 *
 * The file is JSON: { "<tenant>": { "accessKeyId": "...", "accessKeySecret": "..." } }.
 * It is read once at start-up. No error message ever quotes a secret, only tenants and paths.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { RpcCredentials } from "./signed-rpc-client.js";

export class TenantCredentialsError extends Error {
  override readonly name = "TenantCredentialsError";
}

const AccessKeyPair = z.object(
  {
    accessKeyId: z.string({ message: "accessKeyId must be a string" }).regex(/^[A-Za-z0-9_.-]{1,128}$/, "accessKeyId must be 1-128 letters, digits, '.', '_' or '-'"),
    accessKeySecret: z.string({ message: "accessKeySecret must be a string" }).min(1, "accessKeySecret must not be empty").max(256, "accessKeySecret is too long"),
  },
  { message: "must be an object with accessKeyId and accessKeySecret" },
).strict();

const TenantTable = z.record(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "tenant ids are 1-64 letters, digits, '.', '_' or '-'"), AccessKeyPair);

export function loadTenantCredentials(path: string): ReadonlyMap<string, RpcCredentials> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new TenantCredentialsError(`TENANT_CREDENTIALS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseTenantCredentials(text, `TENANT_CREDENTIALS_FILE (${path})`);
}

export function parseTenantCredentials(text: string, source: string): ReadonlyMap<string, RpcCredentials> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the mistake, which may be a secret.
    throw new TenantCredentialsError(`${source} is not valid JSON; expected {"<tenant>": {"accessKeyId": "...", "accessKeySecret": "..."}}`);
  }
  const parsed = TenantTable.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`);
    throw new TenantCredentialsError(`${source}: ${problems.join("; ")}`);
  }
  return new Map(Object.entries(parsed.data));
}
