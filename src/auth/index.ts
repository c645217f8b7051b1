/** Builds the Authenticator from settings, reading the key file once at start-up. */
import { readFileSync } from "node:fs";
import type { Config } from "../config.js";
import { ApiKeyTable, parseApiKeyFile, parseApiKeys } from "./api-keys.js";
import { Authenticator } from "./authenticator.js";
import { JwtVerifier } from "./jwt-verifier.js";

export class AuthConfigError extends Error {
  override readonly name = "AuthConfigError";
}

export function createAuthenticator(config: Config): Authenticator {
  const { auth } = config;
  const keys = [
    ...(auth.apiKeys ? parseApiKeys(auth.apiKeys, "API_KEYS") : []),
    ...(auth.apiKeysFile ? parseApiKeyFile(readKeyFile(auth.apiKeysFile), `API_KEYS_FILE (${auth.apiKeysFile})`) : []),
  ];
  const jwt = auth.jwt.jwksUrl || auth.jwt.jwksFile ? new JwtVerifier(auth.jwt) : null;
  const authenticator = new Authenticator(keys.length > 0 ? new ApiKeyTable(keys) : null, jwt, config.defaultTenant);
  if (authenticator.developmentMode && config.env === "production" && !auth.allowUnauthenticated) {
    throw new AuthConfigError(
      "NODE_ENV=production but no authentication is configured: set API_KEYS, API_KEYS_FILE or JWT_JWKS_URL/JWT_JWKS_FILE, " +
        "or ALLOW_UNAUTHENTICATED=true to run open on purpose.",
    );
  }
  return authenticator;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new AuthConfigError(`API_KEYS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export { Authenticator, type Caller } from "./authenticator.js";
export { RouterCheck } from "./router-secret.js";
