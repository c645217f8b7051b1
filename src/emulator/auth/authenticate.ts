/**
 * Decides who sent a request, or refuses it. Two wire formats are accepted:
 * an ACS3-HMAC-SHA256 `Authorization` header (openapi-core's default) and the V2
 * HMAC-SHA1 `Signature` query parameter. The order of checks is: well-formedness,
 * access key, timestamp, body hash, signature, and only then the nonce, so a
 * request with a bad signature does not burn its nonce.
 */
import type { EmulatorAccount } from "../options.js";
import {
  ApiError,
  accessKeyNotFound,
  incompleteSignature,
  missingParameter,
  nonceUsed,
  signatureDoesNotMatch,
  timestampExpired,
  timestampFormat,
} from "../errors.js";
import { parseTimestamp } from "../time.js";
import type { NonceCache } from "./nonce-cache.js";
import { ACS3_ALGORITHM, headerValue, parseAcs3Authorization, sha256Hex, verifyAcs3Signature } from "./v3-acs3.js";
import { verifyV2Signature } from "./v2-hmac-sha1.js";

/** What the HTTP layer hands over: the request as received, already split up. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  /** Fields of an application/x-www-form-urlencoded body (empty otherwise). */
  form: Array<[string, string]>;
  /** Lower-cased header names; every value as received, repeated headers kept apart. */
  headers: Record<string, string[] | undefined>;
  body: Buffer;
}

export type SignatureAlgorithm = "ACS3-HMAC-SHA256" | "HMAC-SHA1";

export interface Authenticated {
  accessKeyId: string;
  algorithm: SignatureAlgorithm;
}

export interface AuthContext {
  accounts: ReadonlyMap<string, EmulatorAccount>;
  nonces: NonceCache;
  skewToleranceMs: number;
  now: number;
}

/** Which algorithm the request claims: the header wins, as in openapi-core. */
export function signingMode(req: ReceivedRequest): "acs3" | "v2" {
  return req.headers["authorization"] !== undefined ? "acs3" : "v2";
}

export function authenticate(req: ReceivedRequest, ctx: AuthContext): Authenticated {
  return signingMode(req) === "acs3" ? authenticateAcs3(req, ctx) : authenticateV2(req, ctx);
}

/**
 * Headers that must be covered by an ACS3 signature: without them an intercepted
 * request could be re-targeted (action, version, host) or replayed (date, nonce).
 */
const ACS3_REQUIRED_SIGNED = ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

function authenticateAcs3(req: ReceivedRequest, ctx: AuthContext): Authenticated {
  const parsed = parseAcs3Authorization(headerValue(req.headers["authorization"]) ?? "");
  if ("error" in parsed) throw incompleteSignature(parsed.error);
  if (parsed.algorithm !== ACS3_ALGORITHM) {
    throw incompleteSignature(
      `The signature algorithm ${parsed.algorithm} is not supported by the emulator: use ${ACS3_ALGORITHM} or V2 (HMAC-SHA1).`,
    );
  }
  for (const name of ACS3_REQUIRED_SIGNED) {
    if (req.headers[name] === undefined) {
      throw new ApiError("MissingParameter", 400, `The header ${name} is required with ${ACS3_ALGORITHM}.`);
    }
    if (!parsed.signedHeaders.includes(name)) {
      throw incompleteSignature(`SignedHeaders must include ${name}; it lists ${parsed.signedHeaders.join(";")}.`);
    }
  }
  for (const name of parsed.signedHeaders) {
    if (req.headers[name] === undefined) {
      throw incompleteSignature(`SignedHeaders names ${name}, but the request has no such header.`);
    }
  }

  const account = lookUp(parsed.accessKeyId, ctx);
  const signedAt = checkTimestamp("x-acs-date", headerValue(req.headers["x-acs-date"])!, ctx);

  const claimedHash = headerValue(req.headers["x-acs-content-sha256"])!.trim().toLowerCase();
  const bodyHash = sha256Hex(req.body);
  if (claimedHash !== bodyHash) {
    throw signatureDoesNotMatch(
      `The x-acs-content-sha256 header is ${claimedHash}, but the SHA-256 of the received body (${req.body.length} bytes) is ${bodyHash}.`,
    );
  }

  const verdict = verifyAcs3Signature({ method: req.method, path: req.path, query: req.query, headers: req.headers }, parsed, account.accessKeySecret);
  if (!verdict.ok) {
    throw signatureDoesNotMatch(
      `The request signature does not match the one the emulator calculated with the AccessKeySecret of ${account.accessKeyId}. ` +
        `Server string to sign is: ${JSON.stringify(verdict.stringToSign)}; canonical request is: ${JSON.stringify(verdict.canonicalRequest)}`,
    );
  }

  checkNonce(account.accessKeyId, "x-acs-signature-nonce", headerValue(req.headers["x-acs-signature-nonce"])!, signedAt, ctx);
  return { accessKeyId: account.accessKeyId, algorithm: "ACS3-HMAC-SHA256" };
}

function authenticateV2(req: ReceivedRequest, ctx: AuthContext): Authenticated {
  const params = [...req.query, ...req.form];
  const get = (name: string) => params.find(([n]) => n === name)?.[1];

  if (get("AccessKeyId") === undefined && get("Signature") === undefined) {
    throw new ApiError(
      "MissingParameter",
      400,
      `The request is not signed: send an ${ACS3_ALGORITHM} Authorization header, or the V2 parameters AccessKeyId, SignatureMethod, SignatureNonce, Timestamp and Signature.`,
    );
  }
  for (const name of ["AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce", "Timestamp"]) {
    if (!get(name)) throw missingParameter(name);
  }
  if (get("SignatureMethod") !== "HMAC-SHA1") {
    throw incompleteSignature(`SignatureMethod ${get("SignatureMethod")} is not supported: use HMAC-SHA1.`);
  }
  const version = get("SignatureVersion");
  if (version !== undefined && version !== "1.0") {
    throw incompleteSignature(`SignatureVersion ${version} is not supported: use 1.0.`);
  }

  const account = lookUp(get("AccessKeyId")!, ctx);
  const signedAt = checkTimestamp("Timestamp", get("Timestamp")!, ctx);

  const verdict = verifyV2Signature(req.method, params, account.accessKeySecret);
  if (!verdict.ok) {
    throw signatureDoesNotMatch(
      `Specified signature is not matched with our calculation (AccessKeySecret of ${account.accessKeyId}, key = secret + "&"). ` +
        `Server string to sign is: ${verdict.stringToSign}`,
    );
  }

  checkNonce(account.accessKeyId, "SignatureNonce", get("SignatureNonce")!, signedAt, ctx);
  return { accessKeyId: account.accessKeyId, algorithm: "HMAC-SHA1" };
}

function lookUp(accessKeyId: string, ctx: AuthContext): EmulatorAccount {
  const account = ctx.accounts.get(accessKeyId);
  if (!account) throw accessKeyNotFound(accessKeyId);
  return account;
}

function checkTimestamp(name: string, value: string, ctx: AuthContext): number {
  const at = parseTimestamp(value.trim());
  if (at === undefined) {
    throw timestampFormat(
      `Specified time stamp or date value is not well formatted: ${name} is ${JSON.stringify(value)}, expected UTC like 2024-05-01T12:00:00Z.`,
    );
  }
  const offBy = at - ctx.now;
  if (Math.abs(offBy) > ctx.skewToleranceMs) {
    throw timestampExpired(
      `Specified time stamp or date value is expired: ${name} ${value} is ${Math.round(Math.abs(offBy) / 1000)} s ` +
        `${offBy < 0 ? "behind" : "ahead of"} the server time ${new Date(ctx.now).toISOString()}; at most ${Math.round(ctx.skewToleranceMs / 1000)} s are tolerated.`,
    );
  }
  return at;
}

function checkNonce(accessKeyId: string, name: string, nonce: string, signedAt: number, ctx: AuthContext): void {
  // Forget the nonce once the same request would be refused as expired anyway.
  const forgetAfter = Math.max(signedAt, ctx.now) + ctx.skewToleranceMs;
  if (!ctx.nonces.remember(accessKeyId, nonce, forgetAfter, ctx.now)) {
    throw nonceUsed(`Specified signature nonce was used already: ${name} ${nonce} has been seen within the last ${Math.round(ctx.skewToleranceMs / 60000)} minutes.`);
  }
}
