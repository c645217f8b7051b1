/**
 * One signed RPC call to an Alibaba Cloud service, through the official OpenAPI client
 * (@alicloud/openapi-core), so the gateway sends exactly what the SDKs send: ACS3-HMAC-SHA256
 * by default, or the older HMAC-SHA1 query signature when asked. Nothing here retries or
 * throttles (see resilient-caller.ts); this file only speaks the protocol and turns every
 * failure into an RpcCallError carrying the backend's Code, status and request id.
 */
import openapiCore, * as openapiNamespace from "@alicloud/openapi-core";
import * as dara from "@darabonba/typescript";
import type { RpcFailure } from "./rpc-errors.js";

// The package is CommonJS with `exports.default = Client`. Node's ESM loader hands the
// whole exports object to a default import (the class is on `.default`); vitest's interop
// hands over the class itself. Accept both, so tests run exactly the production code.
type OpenApiClientClass = typeof openapiCore.default;
const loaded = openapiCore as unknown as OpenApiClientClass | { default: OpenApiClientClass };
const OpenApiClient: OpenApiClientClass = typeof loaded === "function" ? loaded : loaded.default;
const { $OpenApiUtil } = openapiNamespace;

export interface RpcCredentials {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface RpcTarget {
  /** host[:port], as the SDK takes it (no scheme). */
  endpoint: string;
  protocol: "http" | "https";
  /**
   * The region, when the endpoint does not name it (a local emulator's `127.0.0.1:PORT`, a
   * central endpoint): sent as the `x-acs-region-id` header on every call, through the SDK's
   * documented global parameters (ACS3 signs it with the other x-acs-* headers).
   */
  regionHeader?: string;
}

/** Alibaba's common request header for the region (see docs/emulator.md). */
export const REGION_HEADER = "x-acs-region-id";

export interface SignedRpcClientOptions {
  version: string;
  target(region: string): RpcTarget;
  credentials: RpcCredentials;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  signatureAlgorithm: "v3" | "v2";
}

export class RpcCallError extends Error {
  override readonly name = "RpcCallError";
  constructor(readonly failure: RpcFailure) {
    super(`${failure.code ?? "error"} (HTTP ${failure.statusCode ?? "none"})`);
  }
}

export type RpcParams = Record<string, string | number | undefined | null>;

export class SignedRpcClient {
  /** One SDK client per region endpoint: the SDK binds endpoint and credentials at construction. */
  private readonly clients = new Map<string, InstanceType<typeof OpenApiClient>>();

  constructor(private readonly options: SignedRpcClientOptions) {}

  async call(region: string, action: string, params: RpcParams): Promise<Record<string, unknown>> {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) query[key] = String(value);
    }
    try {
      const call = this.clientFor(region).callApi(
        new $OpenApiUtil.Params({
          action,
          version: this.options.version,
          protocol: this.options.target(region).protocol.toUpperCase(),
          pathname: "/",
          method: "POST",
          authType: "AK",
          style: "RPC",
          reqBodyType: "formData",
          bodyType: "json",
        }),
        new $OpenApiUtil.OpenApiRequest({ query }),
        // The SDK's own retry is off (no retryOptions); timeouts are in milliseconds.
        new dara.RuntimeOptions({ readTimeout: this.options.readTimeoutMs, connectTimeout: this.options.connectTimeoutMs }),
      );
      // readTimeoutMs bounds the whole attempt: connecting is part of waiting for an answer.
      const response = await withDeadline(call, this.options.readTimeoutMs);
      return (response.body ?? {}) as Record<string, unknown>;
    } catch (error) {
      throw new RpcCallError(describeFailure(error));
    }
  }

  private clientFor(region: string) {
    let client = this.clients.get(region);
    if (!client) {
      const target = this.options.target(region);
      client = new OpenApiClient(
        new $OpenApiUtil.Config({
          accessKeyId: this.options.credentials.accessKeyId,
          accessKeySecret: this.options.credentials.accessKeySecret,
          endpoint: target.endpoint,
          protocol: target.protocol,
          regionId: region,
          ...(target.regionHeader
            ? { globalParameters: new $OpenApiUtil.GlobalParameters({ headers: { [REGION_HEADER]: target.regionHeader } }) }
            : {}),
          readTimeout: this.options.readTimeoutMs,
          connectTimeout: this.options.connectTimeoutMs,
          ...(this.options.signatureAlgorithm === "v2" ? { signatureAlgorithm: "v2" } : {}),
        }),
      );
      this.clients.set(region, client);
    }
    return client;
  }
}

/**
 * The SDK's read timer is not armed on a reused keep-alive socket (httpx starts it on the
 * socket's 'connect', which a pooled socket never emits again), so a slow answer on a warm
 * connection would wait forever. This deadline bounds every call regardless.
 */
function withDeadline<T>(call: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: "RequestTimeoutError" })), ms);
  });
  call.catch(() => {}); // a late failure after the deadline must not surface as unhandled
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The SDK's errors carry the parsed error body in `data`; network errors carry a Node code
 * or the SDK's RequestTimeoutError name. Only the fields below leave this function: the
 * SDK's own message can contain the request URL, which holds the AccessKeyId in V2 mode.
 */
function describeFailure(error: unknown): RpcFailure {
  const e = error as { statusCode?: number; code?: string; name?: string; data?: Record<string, unknown>; requestId?: string };
  if (typeof e?.statusCode === "number") {
    const data = e.data ?? {};
    const message = typeof data.Message === "string" ? data.Message : typeof data.message === "string" ? data.message : undefined;
    const requestId = typeof data.RequestId === "string" ? data.RequestId : e.requestId;
    return { statusCode: e.statusCode, code: e.code, message, requestId };
  }
  if (e?.name === "RequestTimeoutError") return { code: "ReadTimeout" };
  return { code: typeof e?.code === "string" ? e.code : (e?.name ?? "UnknownError") };
}
