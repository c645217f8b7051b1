/**
 * A WebSocket authorized by a JWT lives no longer than the token: it is closed with 4403
 * (the code of a refused connection_init) when the token expires. A JWT without `exp` is
 * refused on every transport unless JWT_ALLOW_NO_EXP.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { subscribe } from "../support/subscription-client.js";
import { httpExecute, openSocket, wsExecute, type SocketClient } from "../support/ws-operation.js";

const ISSUER = "https://issuer.test";
const AUDIENCE = "fingerprint-gateway";
const QUERY = "{ fingerprintLibraries { totalCount } }";

let h: Harness;
let privateKey: CryptoKey;
let jwksFile: string;
const sockets: SocketClient[] = [];

/** A token for `tenant` that expires at `exp` (seconds since the epoch), or never when null. */
const token = (tenant: string, exp: number | null) => {
  const jwt = new SignJWT({ tenant }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuedAt().setIssuer(ISSUER).setAudience(AUDIENCE);
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(privateKey);
};
const socketWith = (jwt: string) => {
  const socket = openSocket(h.gateway.graphqlUrl, { Authorization: `Bearer ${jwt}` });
  sockets.push(socket);
  return socket;
};

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  privateKey = pair.privateKey;
  jwksFile = join(mkdtempSync(join(tmpdir(), "jwks-")), "jwks.json");
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }] }));
  h = await startHarness({ env: { JWT_JWKS_FILE: jwksFile, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
});
afterAll(async () => {
  for (const socket of sockets) await socket.client.dispose();
  await h?.close();
});

describe("a WebSocket opened with a JWT", () => {
  it("is closed with 4403 when the token expires, while one opened with a later token stays open", async () => {
    // Far enough ahead that a loaded machine connects well before it.
    const exp = Math.floor(Date.now() / 1000) + 4;
    const shortLived = socketWith(await token("tenant-jwt", exp));
    const longLived = socketWith(await token("tenant-jwt", exp + 3_600));
    expect((await wsExecute(shortLived.client, QUERY)).errors).toBeUndefined();
    const live = subscribe(shortLived.client, "subscription { fingerprintLibraryActivated { eventId } }");

    await eventually(async () => shortLived.closes.length > 0, 8_000);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(shortLived.closes[0]).toMatchObject({ code: 4403 });
    expect(shortLived.closes[0].reason).toMatch(/expired/);
    // The subscription learns that its socket is gone.
    await eventually(async () => live.errors.length > 0 || live.completed);

    expect((await wsExecute(longLived.client, QUERY)).errors).toBeUndefined();
    expect(longLived.closes).toEqual([]);
  });
});

describe("a JWT without exp", () => {
  it("is refused over HTTP (401) and over graphql-ws (4403)", async () => {
    const forever = await token("tenant-jwt", null);
    const response = await h.post(JSON.stringify({ query: QUERY }), { authorization: `Bearer ${forever}` });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(body.errors[0].message).toMatch(/no expiry \(exp claim\)/);

    const socket = socketWith(forever);
    await eventually(async () => socket.closes.length > 0);
    expect(socket.closes[0].code).toBe(4403);
  });

  it("is accepted with JWT_ALLOW_NO_EXP=true", async () => {
    const lenient = await startHarness({
      env: { JWT_JWKS_FILE: jwksFile, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_ALLOW_NO_EXP: "true" },
      sharedEmulator: h.emulator,
    });
    try {
      expect((await httpExecute(lenient, await token("tenant-jwt", null), QUERY)).errors).toBeUndefined();
    } finally {
      await lenient.close();
    }
  });
});
