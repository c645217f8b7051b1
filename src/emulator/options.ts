/**
 * Options of startEmulator() and their defaults. Validation happens here so a typo in
 * an embedding gateway's configuration fails at start, not on the first request.
 */
import type { FingerprintEngine } from "./fingerprint/contract.js";
import { DEFAULT_QPS_LIMITS, SettingsError, checkCount, checkQpsLimits, checkRatio, checkRegion, type EmulatorSettings } from "./settings.js";

export interface EmulatorAccount {
  accessKeyId: string;
  accessKeySecret: string;
}

export interface EmulatorOptions {
  host?: string;
  port?: number;
  accounts?: EmulatorAccount[];
  region?: string;
  activationDelayMs?: number;
  activationJitterMs?: number;
  deleteJobDelayMs?: number;
  libraryQuota?: number;
  qpsLimits?: Partial<Record<string, number>>;
  clockSkewToleranceMs?: number;
  /** Content jobs: time Queuing before they start (default 1000). */
  jobQueueDelayMs?: number;
  /** Content jobs: analysis seconds per media second (default 0.5; 0 = instant). */
  jobSecondsPerMediaSecond?: number;
  /**
   * Parent folder of the OSS stand-in's object files. Each emulator instance makes its own
   * `oss-XXXXXX` folder inside it and removes that folder on close. Default: the OS temp folder.
   */
  dataDir?: string;
  /** Largest OSS object (PutObject body, UploadPart, completed multipart) in bytes; default 1 GiB. */
  ossMaxObjectBytes?: number;
  log?: (line: string) => void;
  /** Makes the fingerprint engine at start (closed at stop). Default: the emulator's worker-thread engine (fingerprint/engine.ts). */
  fingerprintEngine?: () => FingerprintEngine | Promise<FingerprintEngine>;
}

/**
 * The development key pair. Public on purpose: it only opens this emulator, and
 * docs/emulator.md prints it so any client can be pointed here without setup.
 */
export const DEFAULT_DEV_ACCOUNT: EmulatorAccount = Object.freeze({
  accessKeyId: "LTAI-emulator-dev",
  accessKeySecret: "emulator-dev-secret",
});

export interface ResolvedOptions {
  host: string;
  port: number;
  accounts: EmulatorAccount[];
  settings: EmulatorSettings;
  dataDir?: string;
  log: (line: string) => void;
  fingerprintEngine?: () => FingerprintEngine | Promise<FingerprintEngine>;
}

/** 1 GiB: room for real media files without letting a runaway upload fill a developer's disk. */
export const DEFAULT_OSS_MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const accounts = (options.accounts ?? [DEFAULT_DEV_ACCOUNT]).map((a) => ({ ...a }));
  if (accounts.length === 0) throw new SettingsError("accounts must name at least one AccessKeyId/AccessKeySecret pair.");
  const seen = new Set<string>();
  for (const a of accounts) {
    if (typeof a.accessKeyId !== "string" || a.accessKeyId === "" || /[\s,]/.test(a.accessKeyId)) {
      throw new SettingsError(`accounts: accessKeyId must be a non-empty string without spaces or commas, got ${JSON.stringify(a.accessKeyId)}.`);
    }
    if (typeof a.accessKeySecret !== "string" || a.accessKeySecret === "") {
      throw new SettingsError(`accounts: the accessKeySecret of ${a.accessKeyId} must be a non-empty string.`);
    }
    if (seen.has(a.accessKeyId)) throw new SettingsError(`accounts: accessKeyId ${a.accessKeyId} appears twice.`);
    seen.add(a.accessKeyId);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError(`port must be an integer 0..65535, got ${port}.`);

  const qps = { ...DEFAULT_QPS_LIMITS, ...checkQpsLimits(withoutUndefined(options.qpsLimits ?? {})) };
  return {
    host: options.host ?? "127.0.0.1",
    port,
    accounts,
    ...(options.dataDir !== undefined ? { dataDir: checkDataDir(options.dataDir) } : {}),
    log: options.log ?? (() => {}),
    ...(options.fingerprintEngine !== undefined ? { fingerprintEngine: options.fingerprintEngine } : {}),
    settings: {
      region: checkRegion("region", options.region ?? "cn-shanghai"),
      activationDelayMs: checkCount("activationDelayMs", options.activationDelayMs ?? 3000),
      activationJitterMs: checkCount("activationJitterMs", options.activationJitterMs ?? 1000),
      deleteJobDelayMs: checkCount("deleteJobDelayMs", options.deleteJobDelayMs ?? 2000),
      libraryQuota: checkCount("libraryQuota", options.libraryQuota ?? 5),
      qpsLimits: qps,
      clockSkewToleranceMs: checkCount("clockSkewToleranceMs", options.clockSkewToleranceMs ?? 15 * 60 * 1000),
      jobQueueDelayMs: checkCount("jobQueueDelayMs", options.jobQueueDelayMs ?? 1000),
      jobSecondsPerMediaSecond: checkRatio("jobSecondsPerMediaSecond", options.jobSecondsPerMediaSecond ?? 0.5),
      ossMaxObjectBytes: checkCount("ossMaxObjectBytes", options.ossMaxObjectBytes ?? DEFAULT_OSS_MAX_OBJECT_BYTES),
    },
  };
}

function checkDataDir(dir: unknown): string {
  if (typeof dir !== "string" || dir.trim() === "") throw new SettingsError(`dataDir must be a folder path, got ${JSON.stringify(dir)}.`);
  return dir;
}

function withoutUndefined(o: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, number>;
}
