/**
 * Where, besides OSS hosts, the gateway may fetch a job's result document from: the emulator
 * it is configured with. That is the embedded emulator, or an endpoint given without
 * `{region}` (`ICE_ENDPOINT=127.0.0.1:4100`): a fixed host the gateway already sends its
 * signed calls to, so trusting its result URLs adds no new destination. The cloud's
 * templates (`ice.{region}.aliyuncs.com`) add nothing: real results live on OSS.
 */
import type { BackendSettings } from "../backends/index.js";

export function resultDocumentOrigins(settings: Pick<BackendSettings, "endpoints" | "protocol">, embeddedEmulatorUrl?: string): string[] {
  const origins = new Set<string>();
  if (embeddedEmulatorUrl) origins.add(new URL(embeddedEmulatorUrl).origin);
  for (const template of Object.values(settings.endpoints)) {
    if (template.includes("{region}")) continue;
    try {
      origins.add(new URL(`${settings.protocol}://${template}`).origin);
    } catch {
      // Not a host[:port]: nothing to allow.
    }
  }
  return [...origins];
}
