/**
 * Local emulator of the Alibaba Cloud ICE (2020-11-09) and MPS (2014-06-18)
 * fingerprint-library APIs, speaking the real signed wire protocol. See docs/emulator.md.
 */
import { createControl, type EmulatorControl } from "./control.js";
import { createFingerprintEngine } from "./fingerprint/engine.js";
import { EmulatorCore } from "./core.js";
import { resolveOptions, type EmulatorAccount, type EmulatorOptions } from "./options.js";
import { listen } from "./server.js";

export { DEFAULT_DEV_ACCOUNT } from "./options.js";
export type { EmulatorAccount, EmulatorOptions } from "./options.js";
export { ControlError } from "./control.js";
export type { EmulatorControl, EmulatorStateView, JobView, LibraryView } from "./control.js";
export type { ContentJobView, ContentStateView } from "./content/control.js";
export type { ActiveFault, FaultSpec } from "./faults.js";
export { DEFAULT_QPS_LIMITS, SettingsError } from "./settings.js";
export type { EmulatorSettings, SettingsPatch } from "./settings.js";
export type { SnapshotSummary } from "./snapshot.js";
export { ICE, MPS } from "./services/actions.js";
export type { BucketInfo, OssObjects, StoredObjectInfo } from "./oss/contract.js";
import type { OssObjects } from "./oss/contract.js";

export interface RunningEmulator {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** "127.0.0.1:PORT": what an Alibaba SDK Config takes as `endpoint` (with protocol "http"). */
  endpoint: string;
  port: number;
  accounts: EmulatorAccount[];
  /** In-process twin of the HTTP control API. */
  control: EmulatorControl;
  /** The OSS stand-in's in-process face (the same object as the core's `oss`). */
  oss: OssObjects;
  /** Stops the server, ends pending injected latencies and closes keep-alive sockets. */
  close(): Promise<void>;
}

export async function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const core = new EmulatorCore(resolved);
  const control = createControl(core);
  // The engine's worker threads start lazily, on the first job that needs them.
  core.engine = await (resolved.fingerprintEngine ?? (() => createFingerprintEngine()))();
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(core, control, resolved.host, resolved.port);
  } catch (e) {
    await core.engine?.close();
    core.oss.dispose();
    throw e;
  }
  const hostPart = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  const endpoint = `${hostPart}:${server.port}`;
  core.oss.baseUrl = `http://${endpoint}`;
  return {
    url: `http://${endpoint}`,
    endpoint,
    port: server.port,
    accounts: resolved.accounts.map((a) => ({ ...a })),
    control,
    oss: core.oss,
    close: async () => {
      await server.close();
      // Running jobs end first: they may still read media from or publish to the OSS stand-in.
      await core.content.close();
      core.oss.dispose();
      const engine = core.engine;
      core.engine = undefined;
      await engine?.close();
    },
  };
}
