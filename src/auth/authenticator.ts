/**
 * Who is calling: `Authorization: Bearer <API key or JWT>` on HTTP, the same in the
 * graphql-ws connection_init payload. With neither API keys nor JWT configured the gateway
 * runs in development mode: every caller is the default tenant (announced loudly at start,
 * and refused in production unless ALLOW_UNAUTHENTICATED=true).
 */
import { GatewayError } from "../domain/errors.js";
import type { ApiKeyTable } from "./api-keys.js";
import { looksLikeJwt, type JwtVerifier } from "./jwt-verifier.js";

export interface Caller {
  tenantId: string;
  /** How the caller proved it: for logs, never the credential itself. */
  via: "api-key" | "jwt" | "development";
  /** A JWT's expiry (ms since the epoch): a WebSocket opened with it is closed then. */
  expiresAt?: number;
}

export class Authenticator {
  constructor(
    private readonly apiKeys: ApiKeyTable | null,
    private readonly jwt: JwtVerifier | null,
    private readonly defaultTenant: string,
  ) {}

  get developmentMode(): boolean {
    return !this.apiKeys && !this.jwt;
  }

  async authenticate(authorization: string | undefined | null): Promise<Caller> {
    if (this.developmentMode) return { tenantId: this.defaultTenant, via: "development" };
    if (!authorization) throw unauthenticated("Send Authorization: Bearer <API key or JWT>.");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("The Authorization header must be 'Bearer <API key or JWT>'.");
    const token = match[1];
    if (this.jwt && looksLikeJwt(token)) {
      try {
        const { tenantId, expiresAt } = await this.jwt.verify(token);
        return expiresAt === undefined ? { tenantId, via: "jwt" } : { tenantId, via: "jwt", expiresAt };
      } catch (error) {
        throw unauthenticated(`The JWT was refused: ${describeJwtFailure(error)}.`);
      }
    }
    const tenantId = this.apiKeys?.tenantOf(token) ?? null;
    if (!tenantId) throw unauthenticated("The API key is not valid.");
    return { tenantId, via: "api-key" };
  }
}

function unauthenticated(message: string): GatewayError {
  return new GatewayError("UNAUTHENTICATED", message);
}

/** jose's error codes say what was wrong without echoing the token. */
function describeJwtFailure(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "it has expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const { claim, reason } = error as { claim?: string; reason?: string };
      if (claim === "exp" && reason === "missing") return "it has no expiry (exp claim); tokens must expire";
      return `claim check failed (${claim ?? "unknown claim"})`;
    }
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "its signature does not verify";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "its algorithm is not RS256 or ES256";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "no key in the JWKS matches its key id";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "it is malformed";
    default:
      return error instanceof Error && !code ? error.message : "it could not be verified";
  }
}
