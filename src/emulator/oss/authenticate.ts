/**
 * Who sent an OSS request, and which reading of its path (request-target.ts) it signed.
 * Accepted: `Authorization: OSS <AK>:<sig>` (V1, ali-oss's default), `Authorization:
 * OSS4-HMAC-SHA256 ...` (V4, `authorizationV4: true`), a V1 query-string signature
 * (`OSSAccessKeyId`, `Expires`, `Signature`: ali-oss `signatureUrl`), a V4 one
 * (`x-oss-credential`, `x-oss-signature`, ...: ali-oss `signatureUrlV4`), or nothing
 * (anonymous: every bucket is private, so the handler refuses it after the bucket check).
 * Order: well-formedness, access key, time, signature.
 */
import { timingSafeEqual } from "node:crypto";
import type { EmulatorAccount } from "../options.js";
import { OssError, accessDenied, invalidAccessKeyId, invalidArgument, requestTimeTooSkewed, signatureDoesNotMatch } from "./errors.js";
import type { OssTarget } from "./request-target.js";
import { v1Signature, v1StringToSign } from "./sign-v1.js";
import { V4_ALGORITHM, v4CanonicalRequest, v4Signature, v4StringToSign } from "./sign-v4.js";

export interface OssRequestParts {
  method: string;
  /** Lower-cased names, first value of each. */
  headers: Record<string, string>;
  /** Decoded query parameters in order. */
  query: Array<[string, string]>;
}

export type OssAlgorithm = "OSS" | "OSS4-HMAC-SHA256" | "OSS-URL" | "OSS4-URL" | "anonymous";

export interface OssCaller {
  accessKeyId?: string;
  algorithm: OssAlgorithm;
  target: OssTarget;
  /** V4 only: the region of the Credential scope (`cn-hangzhou`). */
  region?: string;
}

export interface OssAuthContext {
  accounts: ReadonlyMap<string, EmulatorAccount>;
  now: number;
  skewToleranceMs: number;
}

const PRESIGN_PARAMS = new Set(["OSSAccessKeyId", "Expires", "Signature"]);

export function authenticateOss(req: OssRequestParts, targets: OssTarget[], ctx: OssAuthContext): OssCaller {
  const authorization = req.headers["authorization"];
  if (authorization !== undefined) {
    if (authorization.startsWith(`${V4_ALGORITHM} `)) return authenticateV4(req, authorization, targets, ctx);
    if (authorization.startsWith("OSS ")) return authenticateV1(req, authorization, targets, ctx);
    throw invalidArgument("Authorization header is invalid: expected 'OSS <AccessKeyId>:<Signature>' or 'OSS4-HMAC-SHA256 Credential=...'.", "Authorization", authorization.split(" ")[0]);
  }
  const param = (n: string) => req.query.find(([k]) => k === n)?.[1];
  if (param("OSSAccessKeyId") !== undefined || param("Signature") !== undefined) return authenticateUrl(req, param, targets, ctx);
  if (param("x-oss-signature") !== undefined || param("x-oss-credential") !== undefined) return authenticateUrlV4(req, param, targets, ctx);
  return { algorithm: "anonymous", target: targets[0]! };
}

function secretOf(accessKeyId: string, ctx: OssAuthContext): string {
  const account = ctx.accounts.get(accessKeyId);
  if (!account) throw invalidAccessKeyId(accessKeyId);
  return account.accessKeySecret;
}

function checkSkew(requestTime: number, shown: string, ctx: OssAuthContext): void {
  if (Math.abs(ctx.now - requestTime) > ctx.skewToleranceMs) {
    throw requestTimeTooSkewed(shown, new Date(ctx.now).toUTCString());
  }
}

/** The first target whose string to sign verifies, else SignatureDoesNotMatch showing the first one's. */
function firstVerified(targets: OssTarget[], accessKeyId: string, given: string, sign: (t: OssTarget) => { stringToSign: string; signature: string }): OssTarget {
  let first: string | undefined;
  for (const t of targets) {
    const { stringToSign, signature } = sign(t);
    first ??= stringToSign;
    if (sameText(signature, given)) return t;
  }
  throw signatureDoesNotMatch(accessKeyId, first ?? "");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `/bucket/key` (key not encoded), `/bucket/` or `/`. */
export function v1Resource(t: OssTarget): string {
  if (t.bucket === undefined) return "/";
  return `/${t.bucket}/${t.key ?? ""}`;
}

function authenticateV1(req: OssRequestParts, authorization: string, targets: OssTarget[], ctx: OssAuthContext): OssCaller {
  const m = /^OSS ([^:\s]+):(\S+)$/.exec(authorization.trim());
  if (!m) throw invalidArgument("Authorization header is invalid: expected 'OSS <AccessKeyId>:<Signature>'.", "Authorization", "OSS");
  const [, accessKeyId, given] = m as unknown as [string, string, string];
  const secret = secretOf(accessKeyId, ctx);
  // ali-oss sends x-oss-date and no Date; the doc says x-oss-date wins when both are present.
  const date = req.headers["x-oss-date"] ?? req.headers["date"];
  if (date === undefined) throw accessDenied("The request must carry a Date or x-oss-date header.");
  const time = Date.parse(date);
  if (Number.isNaN(time)) throw accessDenied(`The date ${date} is not an RFC 1123 GMT date.`);
  checkSkew(time, date, ctx);
  const target = firstVerified(targets, accessKeyId, given, (t) => {
    const stringToSign = v1StringToSign({
      method: req.method,
      contentMd5: req.headers["content-md5"] ?? "",
      contentType: req.headers["content-type"] ?? "",
      date,
      headers: req.headers,
      resource: v1Resource(t),
      query: req.query,
    });
    return { stringToSign, signature: v1Signature(secret, stringToSign) };
  });
  return { accessKeyId, algorithm: "OSS", target };
}

function authenticateUrl(req: OssRequestParts, param: (n: string) => string | undefined, targets: OssTarget[], ctx: OssAuthContext): OssCaller {
  const accessKeyId = param("OSSAccessKeyId");
  const expires = param("Expires");
  const given = param("Signature");
  if (accessKeyId === undefined || expires === undefined || given === undefined) {
    throw accessDenied("A signed URL needs all of OSSAccessKeyId, Expires and Signature.");
  }
  const secret = secretOf(accessKeyId, ctx);
  if (!/^\d+$/.test(expires)) throw accessDenied(`Expires must be a Unix time in seconds, got ${expires}.`);
  if (Number(expires) * 1000 < ctx.now) {
    throw new OssError(403, "AccessDenied", "Request has expired.", { Expires: new Date(Number(expires) * 1000).toISOString(), ServerTime: new Date(ctx.now).toISOString() });
  }
  const query = req.query.filter(([k]) => !PRESIGN_PARAMS.has(k));
  const target = firstVerified(targets, accessKeyId, given, (t) => {
    const stringToSign = v1StringToSign({
      method: req.method,
      contentMd5: req.headers["content-md5"] ?? "",
      contentType: req.headers["content-type"] ?? "",
      date: expires,
      headers: req.headers,
      resource: v1Resource(t),
      query,
    });
    return { stringToSign, signature: v1Signature(secret, stringToSign) };
  });
  return { accessKeyId, algorithm: "OSS-URL", target };
}

const V4_AUTH = /^OSS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/oss\/aliyun_v4_request(?:,\s*AdditionalHeaders=([^,\s]*))?,\s*Signature=([0-9a-f]{64})$/;
const V4_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function authenticateV4(req: OssRequestParts, authorization: string, targets: OssTarget[], ctx: OssAuthContext): OssCaller {
  const m = V4_AUTH.exec(authorization.trim());
  if (!m) {
    throw invalidArgument(
      "Authorization header is invalid: expected 'OSS4-HMAC-SHA256 Credential=<AK>/<yyyymmdd>/<region>/oss/aliyun_v4_request[,AdditionalHeaders=...],Signature=<hex>'.",
      "Authorization",
      V4_ALGORITHM,
    );
  }
  const [, accessKeyId, day, region, additional, given] = m as unknown as [string, string, string, string, string | undefined, string];
  const secret = secretOf(accessKeyId, ctx);
  const date = req.headers["x-oss-date"];
  const d = date === undefined ? null : V4_DATE.exec(date);
  if (date === undefined || !d) throw accessDenied("A V4 request must carry x-oss-date as yyyymmddTHHMMssZ.");
  if (date.slice(0, 8) !== day) throw accessDenied(`The Credential date ${day} differs from the x-oss-date ${date}.`);
  checkSkew(v4Time(d), date, ctx);
  const target = verifyV4(req, req.query, targets, { accessKeyId, secret, day, region, date, additional, given });
  return { accessKeyId, algorithm: V4_ALGORITHM, target, region };
}

function v4Time(d: RegExpExecArray): number {
  const [Y, M, D, h, mi, s] = d.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(Y, M - 1, D, h, mi, s);
}

interface V4Claim {
  accessKeyId: string;
  secret: string;
  day: string;
  region: string;
  date: string;
  additional: string | undefined;
  given: string;
}

/** The target whose V4 signature verifies, else SignatureDoesNotMatch. */
function verifyV4(req: OssRequestParts, query: Array<[string, string]>, targets: OssTarget[], claim: V4Claim): OssTarget {
  const additionalHeaders = claim.additional ? claim.additional.split(";").filter((x) => x !== "").map((x) => x.toLowerCase()) : [];
  for (const h of additionalHeaders) {
    if (req.headers[h] === undefined) throw accessDenied(`The additional header ${h} is signed but not sent.`);
  }
  // One signature, several ways ali-oss may have written empty query values: try each.
  const candidates = targets.flatMap((t) => (["bare", "equals"] as const).map((emptyValue) => ({ t, emptyValue })));
  let first: string | undefined;
  for (const { t, emptyValue } of candidates) {
    const canonical = v4CanonicalRequest({ method: req.method, ...pick(t), query, headers: req.headers, additionalHeaders, emptyValue });
    const stringToSign = v4StringToSign(claim.date, claim.region, canonical);
    first ??= stringToSign;
    if (sameText(v4Signature(claim.secret, claim.day, claim.region, stringToSign), claim.given)) return t;
  }
  throw signatureDoesNotMatch(claim.accessKeyId, first ?? "");
}

const V4_CREDENTIAL = /^([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/oss\/aliyun_v4_request$/;

/** ali-oss `signatureUrlV4`: x-oss-credential, x-oss-date, x-oss-expires, x-oss-signature (and the version). */
function authenticateUrlV4(req: OssRequestParts, param: (n: string) => string | undefined, targets: OssTarget[], ctx: OssAuthContext): OssCaller {
  if (param("x-oss-signature-version") !== V4_ALGORITHM) throw accessDenied(`x-oss-signature-version must be ${V4_ALGORITHM}.`);
  const credential = V4_CREDENTIAL.exec(param("x-oss-credential") ?? "");
  const date = param("x-oss-date") ?? "";
  const d = V4_DATE.exec(date);
  const expires = param("x-oss-expires") ?? "";
  const given = param("x-oss-signature") ?? "";
  if (!credential || !d || !/^\d+$/.test(expires) || !/^[0-9a-f]{64}$/.test(given)) {
    throw accessDenied("A V4 signed URL needs x-oss-credential (<AK>/<yyyymmdd>/<region>/oss/aliyun_v4_request), x-oss-date, x-oss-expires and a hex x-oss-signature.");
  }
  const [, accessKeyId, day, region] = credential as unknown as [string, string, string, string];
  const secret = secretOf(accessKeyId, ctx);
  const signedAt = v4Time(d);
  if (signedAt - ctx.now > ctx.skewToleranceMs) throw requestTimeTooSkewed(date, new Date(ctx.now).toUTCString());
  if (signedAt + Number(expires) * 1000 < ctx.now) {
    throw new OssError(403, "AccessDenied", "Request has expired.", { Expires: new Date(signedAt + Number(expires) * 1000).toISOString(), ServerTime: new Date(ctx.now).toISOString() });
  }
  const query = req.query.filter(([k]) => k !== "x-oss-signature");
  const target = verifyV4(req, query, targets, { accessKeyId, secret, day, region, date, additional: param("x-oss-additional-headers"), given });
  return { accessKeyId, algorithm: "OSS4-URL", target, region };
}

function pick(t: OssTarget): { bucket?: string; key?: string } {
  return { ...(t.bucket !== undefined ? { bucket: t.bucket } : {}), ...(t.key !== undefined ? { key: t.key } : {}) };
}
