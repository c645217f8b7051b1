/**
 * Authentication refusals. SDK calls cover wrong secrets and unknown keys in both
 * modes; raw requests (fetch + the hand-written signer in helpers.ts) cover what the
 * SDK never sends: old or malformed timestamps, replayed nonces, bad body hashes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import {
  ALICE,
  BOB,
  CreateFpShotDBRequest,
  acs3Fetch,
  expectApiError,
  iceClient,
  mtsClient,
  queryString,
  rawHttp,
  signAcs3,
  startTestEmulator,
  utcStamp,
  v2Params,
} from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const ICE_VERSION = "2020-11-09";
const MPS_VERSION = "2014-06-18";
const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

function expectErrorBody(body: Record<string, any>, code: string, message: RegExp, hostId = "ice.cn-shanghai.aliyuncs.com") {
  expect(Object.keys(body).sort()).toEqual(["Code", "HostId", "Message", "RequestId"]);
  expect(body.Code).toBe(code);
  expect(body.HostId).toBe(hostId);
  expect(body.RequestId).toMatch(UUID_UPPER);
  expect(body.Message).toMatch(message);
}

describe.each([
  { mode: "ACS3", v2: false },
  { mode: "V2", v2: true },
])("through the SDKs ($mode)", ({ v2 }) => {
  it("a wrong secret is SignatureDoesNotMatch (400)", async () => {
    const wrong = { accessKeyId: ALICE.accessKeyId, accessKeySecret: "not-the-secret" };
    await expectApiError(mtsClient(emu, { v2, account: wrong }).createFpShotDB(new CreateFpShotDBRequest({ name: "x" })), {
      status: 400,
      code: "SignatureDoesNotMatch",
      message: v2 ? /^Specified signature is not matched with our calculation .*Server string to sign is: POST&%2F&/ : /^The request signature does not match .*canonical request is: "POST\\n\/\\n/,
      hostId: "mts.cn-shanghai.aliyuncs.com",
    });
    expect(emu.control.state().libraries).toEqual([]);
  });

  it("an unknown AccessKeyId is InvalidAccessKeyId.NotFound (404)", async () => {
    const stranger = { accessKeyId: "LTAI-nobody", accessKeySecret: "whatever" };
    await expectApiError(iceClient(emu, { v2, account: stranger })("ListDNADB", {}), {
      status: 404,
      code: "InvalidAccessKeyId.NotFound",
      message: "Specified access key is not found: LTAI-nobody.",
      hostId: "ice.cn-shanghai.aliyuncs.com",
    });
  });
});

describe("raw ACS3 requests", () => {
  const base = { action: "ListDNADB", version: ICE_VERSION, query: {}, account: ALICE };

  it("a correctly hand-signed request passes (the test signer is right)", async () => {
    const res = await acs3Fetch(emu, { ...base, query: { DBIds: "" } });
    expect(res.status).toBe(200);
    expect(res.body.DBList).toEqual([]);
  });

  it("an x-acs-date more than 15 minutes old is InvalidTimeStamp.Expired", async () => {
    const res = await acs3Fetch(emu, { ...base, date: utcStamp(new Date(Date.now() - 16 * 60_000)) });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "InvalidTimeStamp.Expired", /^Specified time stamp or date value is expired: x-acs-date .* is 9\d\d s behind the server time .*; at most 900 s are tolerated\.$/);
  });

  it("an x-acs-date more than 15 minutes ahead is refused too, 14 minutes is fine", async () => {
    const ahead = await acs3Fetch(emu, { ...base, date: utcStamp(new Date(Date.now() + 16 * 60_000)) });
    expect(ahead.status).toBe(400);
    expectErrorBody(ahead.body, "InvalidTimeStamp.Expired", /ahead of the server time/);
    const fine = await acs3Fetch(emu, { ...base, date: utcStamp(new Date(Date.now() - 14 * 60_000)) });
    expect(fine.status).toBe(200);
  });

  it("a malformed x-acs-date is InvalidTimeStamp.Format", async () => {
    const res = await acs3Fetch(emu, { ...base, date: "Wed, 01 May 2024 12:00:00 GMT" });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "InvalidTimeStamp.Format", /x-acs-date is "Wed, 01 May 2024 12:00:00 GMT", expected UTC like 2024-05-01T12:00:00Z/);
  });

  it("a reused x-acs-signature-nonce is SignatureNonceUsed", async () => {
    const nonce = randomUUID();
    expect((await acs3Fetch(emu, { ...base, nonce })).status).toBe(200);
    const again = await acs3Fetch(emu, { ...base, nonce });
    expect(again.status).toBe(400);
    expectErrorBody(again.body, "SignatureNonceUsed", new RegExp(`^Specified signature nonce was used already: x-acs-signature-nonce ${nonce} `));
    // Another account may use the same nonce.
    expect((await acs3Fetch(emu, { ...base, nonce, account: BOB })).status).toBe(200);
  });

  it("a request with a bad signature does not use up its nonce", async () => {
    const nonce = randomUUID();
    const bad = await acs3Fetch(emu, { ...base, nonce, account: { ...ALICE, accessKeySecret: "wrong" } });
    expectErrorBody(bad.body, "SignatureDoesNotMatch", /does not match/);
    expect((await acs3Fetch(emu, { ...base, nonce })).status).toBe(200);
  });

  it("x-acs-content-sha256 must be the hash of the body actually sent", async () => {
    const res = await acs3Fetch(emu, { ...base, body: "Name=x", contentType: "application/x-www-form-urlencoded", claimedHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "SignatureDoesNotMatch", /^The x-acs-content-sha256 header is e3b0c442.*, but the SHA-256 of the received body \(6 bytes\) is [0-9a-f]{64}\.$/);
  });

  it("a form body is hashed, signed and read as parameters", async () => {
    const res = await acs3Fetch(emu, { ...base, action: "CreateDNADB", body: "Name=from%20body&Model=image", contentType: "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    expect(res.body.DBInfo).toMatchObject({ Name: "from body", Model: "Image" });
  });

  it("a parameter changed after signing is SignatureDoesNotMatch", async () => {
    const signed = signAcs3({ method: "POST", host: emu.endpoint, action: "CreateDNADB", version: ICE_VERSION, query: { Name: "a" }, accessKeyId: ALICE.accessKeyId, secret: ALICE.accessKeySecret });
    const { host: _h, ...headers } = signed.headers;
    const res = await fetch(`${emu.url}/?Name=b`, { method: "POST", headers });
    expect(res.status).toBe(400);
    expectErrorBody((await res.json()) as any, "SignatureDoesNotMatch", /canonical request is: "POST\\n\/\\nName=b\\n/);
  });

  it("a garbled Authorization header is IncompleteSignature", async () => {
    const signed = signAcs3({ method: "POST", host: emu.endpoint, action: "ListDNADB", version: ICE_VERSION, query: {}, accessKeyId: ALICE.accessKeyId, secret: ALICE.accessKeySecret });
    const { host: _h, ...headers } = signed.headers;
    const cases: Array<[string, RegExp]> = [
      ["ACS3-HMAC-SHA256", /must be '<algorithm> Credential=\.\.\.,SignedHeaders=\.\.\.,Signature=\.\.\.'/],
      [`ACS3-HMAC-SHA256 Credential=${ALICE.accessKeyId},SignedHeaders=host`, /lacks Signature=/],
      [`ACS3-HMAC-SM3 Credential=${ALICE.accessKeyId},SignedHeaders=host,Signature=00`, /ACS3-HMAC-SM3 is not supported/],
      [`ACS3-HMAC-SHA256 Credential=${ALICE.accessKeyId},SignedHeaders=host;x-acs-action,Signature=00`, /^SignedHeaders must include x-acs-version/],
    ];
    for (const [authorization, message] of cases) {
      const res = await fetch(`${emu.url}/`, { method: "POST", headers: { ...headers, authorization } });
      expect(res.status).toBe(400);
      expectErrorBody((await res.json()) as any, "IncompleteSignature", message);
    }
  });

  it("an unsigned request is MissingParameter", async () => {
    const res = await fetch(`${emu.url}/?Action=ListDNADB&Version=${ICE_VERSION}`, { method: "POST" });
    expect(res.status).toBe(400);
    expectErrorBody((await res.json()) as any, "MissingParameter", /^The request is not signed/);
  });

  it("the region comes from an Alibaba Host header", async () => {
    const host = "ice.cn-hangzhou.aliyuncs.com";
    const signed = signAcs3({ method: "POST", host, action: "CreateDNADB", version: ICE_VERSION, query: { Name: "t", Model: "Text" }, accessKeyId: ALICE.accessKeyId, secret: ALICE.accessKeySecret });
    const res = await rawHttp(emu, { method: "POST", path: "/?Name=t&Model=Text", headers: signed.headers });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "InvalidParameter.RegionNotSupported", /handled in cn-hangzhou\.$/, host);
  });
});

describe("raw V2 requests", () => {
  const get = async (params: Record<string, string>) => {
    const res = await fetch(`${emu.url}/?${queryString(params)}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const list = (extra: Partial<Parameters<typeof v2Params>[0]> = {}) =>
    v2Params({ action: "ListFpShotDB", version: MPS_VERSION, account: ALICE, ...extra });

  it("a correct GET request passes", async () => {
    const res = await get(list());
    expect(res.status).toBe(200);
    expect(res.body.FpShotDBList).toEqual({ FpShotDB: [] });
  });

  it("parameters in a form POST body are merged with the query and signed", async () => {
    const params = v2Params({ action: "CreateFpShotDB", version: MPS_VERSION, account: ALICE, method: "POST", params: { Name: "form made", ModelId: "13" } });
    const { Name, ModelId, ...inQuery } = params;
    const res = await fetch(`${emu.url}/?${queryString(inQuery)}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: queryString({ Name: Name!, ModelId: ModelId! }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).FpShotDB).toMatchObject({ Name: "form made", ModelId: 13, State: "offline" });
  });

  it("an old Timestamp is InvalidTimeStamp.Expired", async () => {
    const res = await get(list({ timestamp: utcStamp(new Date(Date.now() - 60 * 60_000)) }));
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "InvalidTimeStamp.Expired", /^Specified time stamp or date value is expired: Timestamp /, "mts.cn-shanghai.aliyuncs.com");
  });

  it("a malformed Timestamp is InvalidTimeStamp.Format", async () => {
    const res = await get(list({ timestamp: "2024-13-01T00:00:00Z" }));
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "InvalidTimeStamp.Format", /Timestamp is "2024-13-01T00:00:00Z"/, "mts.cn-shanghai.aliyuncs.com");
  });

  it("a reused SignatureNonce is SignatureNonceUsed", async () => {
    const params = list({ nonce: "fixed-nonce-1" });
    expect((await get(params)).status).toBe(200);
    const again = await get(params);
    expect(again.status).toBe(400);
    expectErrorBody(again.body, "SignatureNonceUsed", /SignatureNonce fixed-nonce-1 has been seen/, "mts.cn-shanghai.aliyuncs.com");
  });

  it("a tampered parameter is SignatureDoesNotMatch, with the server's string to sign", async () => {
    const res = await get({ ...list(), Action: "ListFpShotDB", Format: "XML" });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "SignatureDoesNotMatch", /Server string to sign is: GET&%2F&AccessKeyId%3D.*Format%3DXML/, "mts.cn-shanghai.aliyuncs.com");
  });

  it("an unknown AccessKeyId is InvalidAccessKeyId.NotFound (404)", async () => {
    const res = await get(list({ account: { accessKeyId: "LTAI-ghost", accessKeySecret: "x" } }));
    expect(res.status).toBe(404);
    expectErrorBody(res.body, "InvalidAccessKeyId.NotFound", /LTAI-ghost/, "mts.cn-shanghai.aliyuncs.com");
  });

  it("a missing SignatureNonce is MissingParameter, a wrong SignatureMethod IncompleteSignature", async () => {
    const { SignatureNonce: _n, ...noNonce } = list();
    const res = await get(noNonce);
    expect(res.status).toBe(400);
    expectErrorBody(res.body, "MissingParameter", /^The parameter SignatureNonce is required\.$/, "mts.cn-shanghai.aliyuncs.com");
    const md5 = await get({ ...list(), SignatureMethod: "HMAC-MD5" });
    expectErrorBody(md5.body, "IncompleteSignature", /SignatureMethod HMAC-MD5 is not supported: use HMAC-SHA1\./, "mts.cn-shanghai.aliyuncs.com");
  });
});
