/**
 * Bearer JWTs (RS256 or ES256) verified with jose against a JWKS, from a URL (fetched and
 * cached by jose, refreshed when an unknown key id appears) or a file. The tenant comes
 * from a configurable claim.
 */
import { readFileSync } from "node:fs";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";

export interface JwtSettings {
  jwksUrl?: string;
  jwksFile?: string;
  issuer?: string;
  audience?: string;
  tenantClaim: string;
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

  /** The tenant the token names; throws with a reason a caller may see (never the token). */
  async tenantOf(token: string): Promise<string> {
    const { payload } = await jwtVerify(token, this.keys, {
      algorithms: ["RS256", "ES256"],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
    });
    const tenant = payload[this.settings.tenantClaim];
    if (typeof tenant !== "string" || tenant.length === 0 || tenant.length > 64) {
      throw new Error(`the token has no usable "${this.settings.tenantClaim}" claim`);
    }
    return tenant;
  }
}

/** A compact JWS has three base64url parts; an API key has none of those dots. */
export const looksLikeJwt = (token: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
