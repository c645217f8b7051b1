/**
 * Embedded mode: with no cloud credentials the gateway starts the local emulator of ICE
 * and MPS in-process and points its (real, signed) backend clients at it. Imported
 * lazily, so cloud mode never loads emulator code.
 */
import type { Config } from "../config.js";
import type { BackendSettings } from "../backends/index.js";

export interface EmbeddedEmulator {
  url: string;
  backendSettings: Pick<BackendSettings, "credentials" | "endpoints" | "protocol">;
  close(): Promise<void>;
}

export async function startEmbeddedEmulator(config: Config): Promise<EmbeddedEmulator> {
  const { startEmulator, DEFAULT_DEV_ACCOUNT } = await import("../emulator/index.js");
  const emulator = await startEmulator({
    port: config.emulator.port,
    region: config.regions.default,
    activationDelayMs: config.emulator.activationDelayMs,
  });
  return {
    url: emulator.url,
    backendSettings: {
      credentials: DEFAULT_DEV_ACCOUNT,
      // One port serves both services; it tells them apart by Action and Version.
      endpoints: { ICE: emulator.endpoint, MPS: emulator.endpoint },
      protocol: "http",
    },
    close: () => emulator.close(),
  };
}
