/** Starts sdk-relay-child.ts, the bare HTTP-to-SDK relay, and sends one call through it like a client would. */
import { join } from "node:path";
import type { RpcCredentials, RpcParams } from "../../src/backends/signed-rpc-client.js";
import { forkChild } from "./forked-child.js";
import { ROOT } from "./gateway-child.js";
import type { JsonPoster } from "./json-poster.js";
import type { RelayRequest } from "./sdk-relay-child.js";

export interface SdkRelay {
  call(version: string, action: string, params: RpcParams): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startSdkRelay(options: { endpoint: string; region: string; credentials: RpcCredentials; post: JsonPoster }): Promise<SdkRelay> {
  const { post, ...init } = options;
  const child = await forkChild<{ url: string }>(join(ROOT, "dist", "bench", "lib", "sdk-relay-child.js"), init);
  return {
    async call(version, action, params) {
      const request: RelayRequest = { version, action, params };
      const { status, body } = await post(child.ready.url, request);
      if (status !== 200) throw new Error(`relay answered HTTP ${status}: ${String(body.error)}`);
      return body as Record<string, unknown>;
    },
    close: () => child.stop(),
  };
}
