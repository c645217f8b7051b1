/**
 * ACS3-HMAC-SHA256 ("V3") header signatures, the default of @alicloud/openapi-core.
 * Recipe: specs/alibaba-fingerprint-apis.md section 3.4. These are pure functions so the
 * tests can check them against independently computed vectors.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { percentEncode } from "./percent-encode.js";

export const ACS3_ALGORITHM = "ACS3-HMAC-SHA256";

/** The parts of an HTTP request that take part in an ACS3 signature. */
export interface Acs3SignedRequest {
  method: string;
  /** Path exactly as received, without the query string (the SDK sends "/"). */
  path: string;
  /** Decoded query parameters in arrival order; a name may repeat. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Header values by lower-cased name; repeated headers as arrays. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
 * Returns a message saying what is wrong when the value is malformed.
 */
export function parseAcs3Authorization(value: string): Acs3Authorization | { error: string } {
  const space = value.indexOf(" ");
  if (space <= 0) return { error: "The Authorization header must be '<algorithm> Credential=...,SignedHeaders=...,Signature=...'." };
  const algorithm = value.slice(0, space);
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return { error: `The Authorization header has a malformed field '${part.trim()}'.` };
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const name of ["Credential", "SignedHeaders", "Signature"]) {
    if (!fields.get(name)) return { error: `The Authorization header lacks ${name}=.` };
  }
  return {
    algorithm,
    accessKeyId: fields.get("Credential")!,
    signedHeaders: fields.get("SignedHeaders")!.split(";").map((h) => h.trim().toLowerCase()),
    signature: fields.get("Signature")!,
  };
}

/** Step 1: the path with the SDK's three substitutions. */
export function acs3CanonicalUri(path: string): string {
  return path.replace(/\+/g, "%20").replace(/\*/g, "%2A").replace(/%7E/g, "~");
}

/**
 * Step 2: parameters sorted by name (code-unit order), `name=encode(value)`, joined by `&`.
 * Names are not encoded, matching openapi-core (identical for the ASCII names in use).
 */
export function acs3CanonicalQuery(query: Acs3SignedRequest["query"]): string {
  return [...query]
    .sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv))
    .map(([name, value]) => `${name}=${percentEncode(value)}`)
    .join("&");
}

/** Steps 3 and 4: `name:value\n` lines for exactly the signed header names, sorted. */
export function acs3CanonicalHeaders(headers: Acs3SignedRequest["headers"], signedHeaders: readonly string[]): string {
  return [...signedHeaders]
    .sort(compare)
    .map((name) => {
      const raw = headers[name];
      const values = (raw === undefined ? [] : typeof raw === "string" ? [raw] : [...raw]).map((v) => v.trim()).sort(compare);
      return `${name}:${values.join(",")}\n`;
    })
    .join("");
}

/** Step 5: the canonical request, over the headers the client says it signed. */
export function acs3CanonicalRequest(req: Acs3SignedRequest, signedHeaders: readonly string[], hashedPayload: string): string {
  const names = [...signedHeaders].sort(compare);
  return [
    req.method.toUpperCase(),
    acs3CanonicalUri(req.path),
    acs3CanonicalQuery(req.query),
    acs3CanonicalHeaders(req.headers, names),
    names.join(";"),
    hashedPayload,
  ].join("\n");
}

/** Step 6. */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${createHash("sha256").update(canonicalRequest, "utf8").digest("hex")}`;
}

/** Step 7: hex HMAC-SHA256 keyed with the bare secret (no trailing "&", unlike V2). */
export function acs3Signature(accessKeySecret: string, stringToSign: string): string {
  return createHmac("sha256", accessKeySecret).update(stringToSign, "utf8").digest("hex");
}

/** Hex SHA-256 of a request body: what x-acs-content-sha256 must carry. */
export function sha256Hex(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

export interface Acs3Verdict {
  ok: boolean;
  canonicalRequest: string;
  stringToSign: string;
}

/**
 * Recomputes the signature over `auth.signedHeaders` and compares it in constant time.
 * The caller has already checked that the payload hash header matches the body.
 */
export function verifyAcs3Signature(req: Acs3SignedRequest, auth: Acs3Authorization, accessKeySecret: string): Acs3Verdict {
  const payload = headerValue(req.headers["x-acs-content-sha256"]) ?? "";
  const canonicalRequest = acs3CanonicalRequest(req, auth.signedHeaders, payload.toLowerCase());
  const stringToSign = acs3StringToSign(canonicalRequest);
  const expected = acs3Signature(accessKeySecret, stringToSign);
  return { ok: safeEqual(expected, auth.signature.toLowerCase()), canonicalRequest, stringToSign };
}

export function headerValue(raw: string | readonly string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return typeof raw === "string" ? raw : raw.join(",");
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
