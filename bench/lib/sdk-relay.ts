/** Starts sdk-relay-child.ts, the bare HTTP-to-SDK relay, and sends one call through it like a client would (fetch). */
import { join } from "node:path";
import type { RpcCredentials, RpcParams } from "../../src/backends/signed-rpc-client.js";
import { forkChild } from "./forked-child.js";
import { ROOT } from "./gateway-child.js";
import type { RelayRequest } from "./sdk-relay-child.js";

export interface SdkRelay {
  call(version: string, action: string, params: RpcParams): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startSdkRelay(options: { endpoint: string; region: string; credentials: RpcCredentials }): Promise<SdkRelay> {
  const child = await forkChild<{ url: string }>(join(ROOT, "dist", "bench", "lib", "sdk-relay-child.js"), options);
  return {
    async call(version, action, params) {
      const request: RelayRequest = { version, action, params };
      const response = await fetch(child.ready.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`relay answered HTTP ${response.status}: ${String(body.error)}`);
      return body;
    },
    close: () => child.stop(),
  };
}
