/**
 * Test helpers: official Alibaba clients pointed at a running emulator, and an
 * independent, hand-written signer for raw requests (it deliberately shares no code
 * with src/emulator/auth so the two can disagree).
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import Mts, { CreateFpShotDBRequest, ListFpShotDBRequest, QueryFpDBDeleteJobListRequest, SubmitFpDBDeleteJobRequest } from "@alicloud/mts20140618";
import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import { expect } from "vitest";
import { startEmulator, type EmulatorAccount, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/index.js";

/**
 * The CJS default export of the Alibaba SDKs arrives as `module.default.default` under
 * plain Node ESM but as `module.default` under vitest's interop: accept both.
 */
function cjsDefault<T>(mod: { default: T }): T {
  return typeof mod === "function" ? (mod as unknown as T) : mod.default;
}
const MtsClient = cjsDefault(Mts);
const OpenApiClient = cjsDefault(OpenApi);

export { CreateFpShotDBRequest, ListFpShotDBRequest, QueryFpDBDeleteJobListRequest, SubmitFpDBDeleteJobRequest };

export const ALICE: EmulatorAccount = { accessKeyId: "LTAI-test-alice", accessKeySecret: "alice-secret" };
export const BOB: EmulatorAccount = { accessKeyId: "LTAI-test-bob", accessKeySecret: "bob-secret" };

/** A fresh emulator on a random port with short, jitter-free delays. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    accounts: [ALICE, BOB],
    activationDelayMs: 100,
    activationJitterMs: 0,
    deleteJobDelayMs: 100,
    ...options,
  });
}

export interface ClientOptions {
  account?: EmulatorAccount;
  /** Use V2 HMAC-SHA1 query signatures instead of the default ACS3 headers. */
  v2?: boolean;
  readTimeout?: number;
  /** Name a region on the bare endpoint: the x-acs-region-id header, through the SDK's global parameters. */
  region?: string;
}

function config(emu: RunningEmulator, o: ClientOptions): $OpenApiUtil.Config {
  const account = o.account ?? ALICE;
  return new $OpenApiUtil.Config({
    accessKeyId: account.accessKeyId,
    accessKeySecret: account.accessKeySecret,
    endpoint: emu.endpoint,
    protocol: "http",
    regionId: "cn-shanghai",
    readTimeout: o.readTimeout ?? 5000,
    connectTimeout: 2000,
    ...(o.v2 ? { signatureAlgorithm: "v2" } : {}),
    ...(o.region ? { globalParameters: new $OpenApiUtil.GlobalParameters({ headers: { "x-acs-region-id": o.region } }) } : {}),
  });
}

/** The official MPS client (its typed request models), never retrying. */
export function mtsClient(emu: RunningEmulator, o: ClientOptions = {}): InstanceType<typeof Mts.default> {
  return new MtsClient(config(emu, o));
}

/** ICE through openapi-core's generic callApi, the way the gateway calls it. */
export function iceClient(emu: RunningEmulator, o: ClientOptions = {}) {
  const client = new OpenApiClient(config(emu, o));
  return async (action: string, query: Record<string, unknown> = {}, runtime: Record<string, unknown> = {}) => {
    const params = new $OpenApiUtil.Params({
      action,
      version: "2020-11-09",
      protocol: "HTTP",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json",
    });
    const req = new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(query) });
    const res = await client.callApi(params, req, { autoretry: false, ...runtime } as never);
    return res.body as Record<string, any>;
  };
}

/** Awaits a rejected SDK call and checks the error body field by field. */
export async function expectApiError(
  call: Promise<unknown>,
  expected: { status: number; code: string; message?: RegExp | string; hostId?: string },
): Promise<Record<string, any>> {
  let err: any;
  try {
    await call;
  } catch (e) {
    err = e;
  }
  expect(err, "the call should have failed").toBeDefined();
  expect(err.statusCode).toBe(expected.status);
  expect(err.code).toBe(expected.code);
  const data = err.data as Record<string, any>;
  expect(Object.keys(data).sort()).toEqual(["Code", "HostId", "Message", "RequestId"]);
  expect(data.Code).toBe(expected.code);
  expect(data.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  if (expected.hostId) expect(data.HostId).toBe(expected.hostId);
  if (expected.message) expect(data.Message).toMatch(expected.message);
  return data;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns true or the time is up. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error("condition not reached in time");
    await sleep(25);
  }
}

// ---------------------------------------------------------------------------
// Hand-written signing (independent of the emulator's verifier)

/** RFC 3986: keep A-Z a-z 0-9 - _ . ~, %XX (upper-case) for every other UTF-8 byte. */
export function rfc3986(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function utcStamp(date: Date): string {
  return date.toISOString().slice(0, 19) + "Z";
}

export interface Acs3Input {
  method: string;
  host: string;
  action: string;
  version: string;
  query: Record<string, string>;
  accessKeyId: string;
  secret: string;
  date?: string;
  nonce?: string;
  body?: string;
  contentType?: string;
  /** Hash to put in x-acs-content-sha256 instead of the real one. */
  claimedHash?: string;
}

/** ACS3-HMAC-SHA256, step by step from the spec. Returns headers and the intermediate strings. */
export function signAcs3(i: Acs3Input) {
  const body = i.body ?? "";
  const hashedPayload = i.claimedHash ?? createHash("sha256").update(body, "utf8").digest("hex");
  const headers: Record<string, string> = {
    host: i.host,
    "x-acs-action": i.action,
    "x-acs-version": i.version,
    "x-acs-date": i.date ?? utcStamp(new Date()),
    "x-acs-signature-nonce": i.nonce ?? randomUUID(),
    "x-acs-content-sha256": hashedPayload,
  };
  if (i.contentType) headers["content-type"] = i.contentType;
  const names = Object.keys(headers).sort();
  const canonicalQuery = Object.keys(i.query)
    .sort()
    .map((k) => `${k}=${rfc3986(i.query[k]!)}`)
    .join("&");
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim()}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = `${i.method}\n/\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${hashedPayload}`;
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash("sha256").update(canonicalRequest, "utf8").digest("hex")}`;
  const signature = createHmac("sha256", i.secret).update(stringToSign, "utf8").digest("hex");
  headers["authorization"] = `ACS3-HMAC-SHA256 Credential=${i.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}

export interface V2Input {
  method: string;
  params: Record<string, string>;
  secret: string;
}

/** V2 HMAC-SHA1, step by step from the spec. */
export function signV2(i: V2Input) {
  const canonical = Object.keys(i.params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(i.params[k]!)}`)
    .join("&");
  const stringToSign = `${i.method}&${rfc3986("/")}&${rfc3986(canonical)}`;
  const signature = createHmac("sha1", `${i.secret}&`).update(stringToSign, "utf8").digest("base64");
  return { canonical, stringToSign, signature };
}

export function queryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

/** V2 common parameters + business parameters, signed. */
export function v2Params(o: {
  action: string;
  version: string;
  account: EmulatorAccount;
  params?: Record<string, string>;
  method?: string;
  timestamp?: string;
  nonce?: string;
}): Record<string, string> {
  const params: Record<string, string> = {
    Action: o.action,
    Version: o.version,
    Format: "JSON",
    AccessKeyId: o.account.accessKeyId,
    SignatureMethod: "HMAC-SHA1",
    SignatureVersion: "1.0",
    SignatureNonce: o.nonce ?? randomUUID(),
    Timestamp: o.timestamp ?? utcStamp(new Date()),
    ...o.params,
  };
  params.Signature = signV2({ method: o.method ?? "GET", params, secret: o.account.accessKeySecret }).signature;
  return params;
}

/** Raw ACS3 request through node's fetch. */
export async function acs3Fetch(emu: RunningEmulator, o: Omit<Acs3Input, "host" | "method" | "accessKeyId" | "secret"> & { account: EmulatorAccount }) {
  const signed = signAcs3({ ...o, method: "POST", host: emu.endpoint, accessKeyId: o.account.accessKeyId, secret: o.account.accessKeySecret });
  const { host: _host, ...headers } = signed.headers;
  const qs = queryString(o.query);
  const res = await fetch(`${emu.url}/${qs ? `?${qs}` : ""}`, { method: "POST", headers, ...(o.body !== undefined ? { body: o.body } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: signed.headers };
}

/** Raw request with a chosen Host header (fetch does not let one set Host). */
export function rawHttp(emu: RunningEmulator, o: { method: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: Record<string, any> }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: emu.port, method: o.method, path: o.path, headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

/** Control API over HTTP. */
export async function controlHttp(emu: RunningEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}
