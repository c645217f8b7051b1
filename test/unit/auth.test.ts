import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiKeyTable, parseApiKeyFile, parseApiKeys } from "../../src/auth/api-keys.js";
import { Authenticator } from "../../src/auth/authenticator.js";
import { createAuthenticator } from "../../src/auth/index.js";
import { JwtVerifier } from "../../src/auth/jwt-verifier.js";
import { loadConfig } from "../../src/config.js";
import { GatewayError } from "../../src/domain/errors.js";

const KEY_A = "key-for-tenant-a-0123456789";
const KEY_B = "key-for-tenant-b-9876543210";

let jwksFile: string;
let sign: (claims: Record<string, unknown>, options?: { alg?: string; expiresIn?: string | number | null; key?: CryptoKey }) => Promise<string>;
let foreignKey: CryptoKey;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  foreignKey = (await generateKeyPair("ES256")).privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  jwksFile = join(mkdtempSync(join(tmpdir(), "jwks-")), "jwks.json");
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  sign = (claims, options = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? "ES256", kid: "k1" })
      .setIssuedAt()
      .setIssuer("https://issuer.test")
      .setAudience("fingerprint-gateway");
    // null: a token without `exp`.
    if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? "5m");
    return jwt.sign(options.key ?? privateKey);
  };
});

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("UNAUTHENTICATED");
    return (error as GatewayError).message;
  }
  throw new Error("expected a refusal");
};

describe("API keys", () => {
  const table = new ApiKeyTable(parseApiKeys(`tenant-a:${KEY_A}, tenant-b:${KEY_B}`, "API_KEYS"));

  it("maps each key to its tenant and nothing else to anyone", () => {
    expect(table.tenantOf(KEY_A)).toBe("tenant-a");
    expect(table.tenantOf(KEY_B)).toBe("tenant-b");
    expect(table.tenantOf(KEY_A.slice(0, -1))).toBeNull();
    expect(table.tenantOf("")).toBeNull();
  });

  it.each([
    ["tenant-a", /not tenant:key/],
    ["tenant-a:short", /shorter than 16 characters/],
    [`bad tenant:${KEY_A}`, /not 1-64 letters/],
    [`a:${KEY_A},b:${KEY_A}`, /repeats a key/],
  ])("refuses the setting %j", (text, message) => {
    expect(() => parseApiKeys(text, "API_KEYS")).toThrow(message);
  });

  it("reads a key file and names the file in its errors", () => {
    expect(parseApiKeyFile(JSON.stringify([{ tenant: "t", key: KEY_A }]), "keys.json")).toEqual([{ tenantId: "t", key: KEY_A }]);
    expect(() => parseApiKeyFile("{", "keys.json")).toThrow(/keys.json: not valid JSON/);
    expect(() => parseApiKeyFile('[{"tenant": 1}]', "keys.json")).toThrow(/entry 1 needs string/);
  });
});

describe("Authenticator", () => {
  const withKeys = () => new Authenticator(new ApiKeyTable(parseApiKeys(`tenant-a:${KEY_A}`, "API_KEYS")), null, "default");
  const withJwt = (allowNoExp = false) =>
    new Authenticator(null, new JwtVerifier({ jwksFile, issuer: "https://issuer.test", audience: "fingerprint-gateway", tenantClaim: "tenant", allowNoExp }), "default");

  it("is the default tenant for everyone in development mode", async () => {
    const open = new Authenticator(null, null, "default");
    expect(open.developmentMode).toBe(true);
    expect(await open.authenticate(undefined)).toEqual({ tenantId: "default", via: "development" });
  });

  it("accepts a Bearer API key and refuses a missing, malformed or unknown one", async () => {
    expect(await withKeys().authenticate(`Bearer ${KEY_A}`)).toEqual({ tenantId: "tenant-a", via: "api-key" });
    expect(await refusal(withKeys().authenticate(undefined))).toMatch(/Send Authorization: Bearer/);
    expect(await refusal(withKeys().authenticate(`Basic ${KEY_A}`))).toMatch(/must be 'Bearer/);
    const unknown = await refusal(withKeys().authenticate("Bearer not-a-real-key-at-all"));
    expect(unknown).toBe("The API key is not valid.");
    expect(unknown).not.toContain("not-a-real-key");
  });

  it("accepts a signed JWT and takes the tenant from its claim, with the token's expiry", async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect(await withJwt().authenticate(`Bearer ${await sign({ tenant: "tenant-j" }, { expiresIn: exp + 7 })}`)).toEqual({ tenantId: "tenant-j", via: "jwt", expiresAt: (exp + 7) * 1000 });
  });

  it("refuses a JWT without exp unless JWT_ALLOW_NO_EXP, and then has no expiry", async () => {
    const forever = await sign({ tenant: "tenant-j" }, { expiresIn: null });
    expect(await refusal(withJwt().authenticate(`Bearer ${forever}`))).toMatch(/has no expiry \(exp claim\)/);
    expect(await withJwt(true).authenticate(`Bearer ${forever}`)).toEqual({ tenantId: "tenant-j", via: "jwt" });
  });

  it.each([
    ["an expired token", () => sign({ tenant: "t" }, { expiresIn: "-1m" }), /has expired/],
    ["a token signed by another key", () => sign({ tenant: "t" }, { key: foreignKey }), /signature does not verify/],
    ["a token without the tenant claim", () => sign({ sub: "x" }), /no usable "tenant" claim/],
  ])("refuses %s", async (_label, token, message) => {
    const jwt = await token();
    const said = await refusal(withJwt().authenticate(`Bearer ${jwt}`));
    expect(said).toMatch(message);
    expect(said).not.toContain(jwt);
  });

  it("refuses to start open in production unless told to", () => {
    expect(() => createAuthenticator(loadConfig({ NODE_ENV: "production" }))).toThrow(/NODE_ENV=production but no authentication/);
    expect(createAuthenticator(loadConfig({ NODE_ENV: "production", ALLOW_UNAUTHENTICATED: "true" })).developmentMode).toBe(true);
    expect(createAuthenticator(loadConfig({ NODE_ENV: "production", API_KEYS: `t:${KEY_A}` })).developmentMode).toBe(false);
  });
});
