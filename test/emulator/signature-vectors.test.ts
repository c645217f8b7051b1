/**
 * Independent signature vectors. The expected values are computed here, step by step
 * from the spec recipe (sections 3.3 and 3.4), by code that shares nothing with
 * src/emulator/auth; the emulator's verifier must agree, and so must the official
 * SDK's own signer (a third implementation). The final signatures are also frozen as
 * literals, so a change in all three at once would still be noticed.
 */
import { createHash, createHmac } from "node:crypto";
import { OpenApiUtil } from "@alicloud/openapi-core";
import { describe, expect, it } from "vitest";
import {
  acs3CanonicalQuery,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
  verifyAcs3Signature,
} from "../../src/emulator/auth/v3-acs3.js";
import { v2CanonicalizedQuery, v2Signature, v2StringToSign, verifyV2Signature } from "../../src/emulator/auth/v2-hmac-sha1.js";

const SECRET = "vector-secret-0123";
const KEY_ID = "LTAI-vector";
const DATE = "2024-05-01T12:00:00Z";
const NONCE = "3f8c2b1e-0000-4000-8000-000000000001";
const TRICKY = "my library*~ 名字!(x)'";

/** RFC 3986 by hand: unreserved stay, every other UTF-8 byte becomes %XY. */
function encode(s: string): string {
  const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  return [...Buffer.from(s, "utf8")]
    .map((b) => (unreserved.includes(String.fromCharCode(b)) ? String.fromCharCode(b) : "%" + b.toString(16).toUpperCase().padStart(2, "0")))
    .join("");
}

describe("ACS3-HMAC-SHA256 vector", () => {
  const query = { Name: TRICKY, Model: "Video", Description: "a+b=c&d" };
  const emptyBodyHash = createHash("sha256").update("").digest("hex");
  const headers: Record<string, string> = {
    host: "ice.cn-shanghai.aliyuncs.com",
    "x-acs-action": "CreateDNADB",
    "x-acs-version": "2020-11-09",
    "x-acs-date": DATE,
    "x-acs-signature-nonce": NONCE,
    "x-acs-content-sha256": emptyBodyHash,
    "x-acs-credentials-provider": "static_ak",
  };

  // Step 1: canonical URI of "/" is "/".
  const canonicalUri = "/";
  // Step 2: sorted by name, values RFC 3986-encoded.
  const canonicalQuery = "Description=a%2Bb%3Dc%26d&Model=Video&Name=my%20library%2A~%20%E5%90%8D%E5%AD%97%21%28x%29%27";
  // Steps 3-4: lower-cased signed headers, sorted, "name:value\n".
  const signedNames = Object.keys(headers).sort();
  const canonicalHeaders = signedNames.map((n) => `${n}:${headers[n]!.trim()}\n`).join("");
  const signedHeaders = signedNames.join(";");
  // Step 5.
  const canonicalRequest = ["POST", canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, emptyBodyHash].join("\n");
  // Step 6.
  const stringToSign = "ACS3-HMAC-SHA256\n" + createHash("sha256").update(canonicalRequest, "utf8").digest("hex");
  // Step 7: key is the bare secret.
  const signature = createHmac("sha256", SECRET).update(stringToSign, "utf8").digest("hex");
  const authorization = `ACS3-HMAC-SHA256 Credential=${KEY_ID},SignedHeaders=${signedHeaders},Signature=${signature}`;

  const received = { method: "POST", path: "/", query: Object.entries(query), headers: { ...headers, authorization } };

  it("the hand-written steps agree with the frozen literal", () => {
    expect(Object.entries(query).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${encode(v)}`).join("&")).toBe(canonicalQuery);
    expect(signedHeaders).toBe("host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version");
    expect(signature).toBe("b12f415eef1cf4ec743ad0798a9e3abb6c013af3490631d0f45cda7affa16a5a");
  });

  it("the emulator computes the same canonical request, string to sign and signature", () => {
    expect(acs3CanonicalQuery(Object.entries(query))).toBe(canonicalQuery);
    const cr = acs3CanonicalRequest(received, signedNames, emptyBodyHash);
    expect(cr).toBe(canonicalRequest);
    expect(acs3StringToSign(cr)).toBe(stringToSign);
    expect(acs3Signature(SECRET, stringToSign)).toBe(signature);
  });

  it("the emulator's verifier accepts the request and refuses any change", () => {
    const auth = parseAcs3Authorization(authorization);
    if ("error" in auth) throw new Error(auth.error);
    expect(auth).toEqual({ algorithm: "ACS3-HMAC-SHA256", accessKeyId: KEY_ID, signedHeaders: signedNames, signature });
    expect(verifyAcs3Signature(received, auth, SECRET).ok).toBe(true);
    expect(verifyAcs3Signature(received, auth, "other-secret").ok).toBe(false);
    expect(verifyAcs3Signature({ ...received, query: [...received.query, ["Extra", "1"] as [string, string]] }, auth, SECRET).ok).toBe(false);
    expect(verifyAcs3Signature({ ...received, headers: { ...received.headers, "x-acs-action": "DeleteDNADB" } }, auth, SECRET).ok).toBe(false);
    expect(verifyAcs3Signature({ ...received, method: "GET" }, auth, SECRET).ok).toBe(false);
  });

  it("the official SDK's signer produces the same Authorization header", () => {
    const sdk = OpenApiUtil.getAuthorization(
      { pathname: "/", method: "POST", query, headers: { ...headers, "user-agent": "x", accept: "application/json" } } as never,
      "ACS3-HMAC-SHA256",
      emptyBodyHash,
      KEY_ID,
      SECRET,
    );
    expect(sdk).toBe(authorization);
  });
});

describe("V2 HMAC-SHA1 vector", () => {
  const params: Record<string, string> = {
    Action: "CreateFpShotDB",
    Version: "2014-06-18",
    Format: "JSON",
    AccessKeyId: KEY_ID,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: NONCE,
    Timestamp: DATE,
    Name: TRICKY,
    Config: '{"a":1}',
  };
  // Steps 1-5: sort by name, encode name and value, join.
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${encode(k)}=${encode(params[k]!)}`)
    .join("&");
  // Step 6: the canonical string is encoded a second time.
  const stringToSign = `GET&${encode("/")}&${encode(canonical)}`;
  // Step 7: key is secret + "&", Base64 output.
  const signature = createHmac("sha1", SECRET + "&").update(stringToSign, "utf8").digest("base64");
  const signed = Object.entries({ ...params, Signature: signature });

  it("the hand-written steps agree with the frozen literal", () => {
    expect(canonical).toBe(
      "AccessKeyId=LTAI-vector&Action=CreateFpShotDB&Config=%7B%22a%22%3A1%7D&Format=JSON&Name=my%20library%2A~%20%E5%90%8D%E5%AD%97%21%28x%29%27" +
        "&SignatureMethod=HMAC-SHA1&SignatureNonce=3f8c2b1e-0000-4000-8000-000000000001&SignatureVersion=1.0&Timestamp=2024-05-01T12%3A00%3A00Z&Version=2014-06-18",
    );
    expect(stringToSign.startsWith("GET&%2F&AccessKeyId%3DLTAI-vector%26Action%3DCreateFpShotDB%26Config%3D%257B%2522a%2522")).toBe(true);
    expect(signature).toBe("Tx56o0gTMXS7vIDaTQH8QHRuTxA=");
  });

  it("the emulator computes the same strings and signature", () => {
    expect(v2CanonicalizedQuery(signed)).toBe(canonical);
    expect(v2StringToSign("GET", signed)).toBe(stringToSign);
    expect(v2Signature(SECRET, stringToSign)).toBe(signature);
  });

  it("the emulator's verifier accepts the request and refuses any change", () => {
    expect(verifyV2Signature("GET", signed, SECRET).ok).toBe(true);
    expect(verifyV2Signature("POST", signed, SECRET).ok).toBe(false);
    expect(verifyV2Signature("GET", signed, "other-secret").ok).toBe(false);
    expect(verifyV2Signature("GET", signed.map(([k, v]) => [k, k === "Name" ? "other" : v] as [string, string]), SECRET).ok).toBe(false);
  });

  it("the official SDK's V2 signer produces the same signature", () => {
    expect(OpenApiUtil.getRPCSignature(params, "GET", SECRET)).toBe(signature);
  });
});
