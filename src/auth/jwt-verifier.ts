/**
 * Bearer JWTs (RS256 or ES256) verified with jose against a JWKS, from a URL (fetched and
 * cached by jose, refreshed when an unknown key id appears) or a file. The tenant comes
 * from a configurable claim. A token must carry `exp` (unless JWT_ALLOW_NO_EXP): a
 * WebSocket lives as long as the token it was opened with, so a token without an expiry
 * would keep a socket authorized forever.
 */
import { readFileSync } from "node:fs";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

export interface JwtSettings {
  jwksUrl?: string;
  jwksFile?: string;
  issuer?: string;
  audience?: string;
  tenantClaim: string;
  /** Accept tokens without `exp` (JWT_ALLOW_NO_EXP). */
  allowNoExp?: boolean;
}

export interface VerifiedToken {
  tenantId: string;
  /** When the token stops being valid (ms since the epoch); absent for a token without `exp`. */
  expiresAt?: number;
}

export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: JwtSettings) {
    if (settings.jwksUrl) {
      this.keys = createRemoteJWKSet(new URL(settings.jwksUrl));
    } else if (settings.jwksFile) {
      this.keys = createLocalJWKSet(JSON.parse(readFileSync(settings.jwksFile, "utf8")));
    } else {
      throw new Error("JWT needs JWT_JWKS_URL or JWT_JWKS_FILE");
    }
  }

  /** The tenant the token names and its expiry; throws with a reason a caller may see (never the token). */
  async verify(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, this.keys, {
      algorithms: ["RS256", "ES256"],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: this.settings.allowNoExp ? [] : ["exp"],
    });
    const tenant = payload[this.settings.tenantClaim];
    if (typeof tenant !== "string" || tenant.length === 0 || tenant.length > 64) {
      throw new Error(`the token has no usable "${this.settings.tenantClaim}" claim`);
    }
    return payload.exp === undefined ? { tenantId: tenant } : { tenantId: tenant, expiresAt: payload.exp * 1000 };
  }
}

/** A compact JWS has three base64url parts; an API key has none of those dots. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
