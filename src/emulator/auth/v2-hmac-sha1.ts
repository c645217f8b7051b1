/**
 * V2 ("HMAC-SHA1") query-string signatures: what openapi-core sends with
 * `signatureAlgorithm: "v2"` and what @alicloud/pop-core always sends.
 * Recipe: specs/alibaba-fingerprint-apis.md section 3.3. Pure functions, tested
 * against independent vectors.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { percentEncode } from "./percent-encode.js";

/**
 * Steps 1-5: every parameter except Signature, sorted by raw name (code-unit order),
 * each `encode(name)=encode(value)`, joined by `&`.
 */
export function v2CanonicalizedQuery(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .filter(([name]) => name !== "Signature")
    .sort(([a, av], [b, bv]) => compare(a, b) || compare(av, bv))
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join("&");
}

/** Step 6: METHOD & %2F & encode(canonicalized) - the canonical string is encoded again. */
export function v2StringToSign(method: string, params: ReadonlyArray<readonly [string, string]>): string {
  return `${method.toUpperCase()}&${percentEncode("/")}&${percentEncode(v2CanonicalizedQuery(params))}`;
}

/** Step 7: Base64 HMAC-SHA1 keyed with secret + "&". */
export function v2Signature(accessKeySecret: string, stringToSign: string): string {
  return createHmac("sha1", `${accessKeySecret}&`).update(stringToSign, "utf8").digest("base64");
}

export interface V2Verdict {
  ok: boolean;
  stringToSign: string;
}

/** Checks the `Signature` parameter against the one recomputed from all other parameters. */
export function verifyV2Signature(method: string, params: ReadonlyArray<readonly [string, string]>, accessKeySecret: string): V2Verdict {
  const given = params.find(([name]) => name === "Signature")?.[1] ?? "";
  const stringToSign = v2StringToSign(method, params);
  const expected = Buffer.from(v2Signature(accessKeySecret, stringToSign), "utf8");
  const actual = Buffer.from(given, "utf8");
  return { ok: expected.length === actual.length && timingSafeEqual(expected, actual), stringToSign };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
