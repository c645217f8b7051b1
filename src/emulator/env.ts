/**
 * Environment of the CLI (npm run emulator). Every variable is validated up front;
 * a bad value stops the start with a message that names the variable.
 */
import { ALL_ACTIONS } from "./services/actions.js";
import { DEFAULT_DEV_ACCOUNT, type EmulatorAccount, type EmulatorOptions } from "./options.js";

export class EnvError extends Error {
  override name = "EnvError";
}

export interface CliConfig {
  options: EmulatorOptions & { host: string; port: number; accounts: EmulatorAccount[] };
  /** Loaded at start (if the file exists) and written on shutdown. */
  stateFile?: string;
  /** Whether to print one line per request. */
  logRequests: boolean;
  /** Access key ids whose secrets came from the environment: never print those secrets. */
  userSuppliedKeyIds: string[];
}

/** The variables and their defaults, for the docs and the --help text. */
export const ENV_VARIABLES: ReadonlyArray<{ name: string; default: string; meaning: string }> = [
  { name: "EMULATOR_PORT", default: "4100", meaning: "TCP port (0 = any free port)" },
  { name: "EMULATOR_HOST", default: "127.0.0.1", meaning: "interface to listen on" },
  { name: "EMULATOR_ACCESS_KEY_ID", default: DEFAULT_DEV_ACCOUNT.accessKeyId, meaning: "AccessKeyId of the account (set together with the secret)" },
  { name: "EMULATOR_ACCESS_KEY_SECRET", default: DEFAULT_DEV_ACCOUNT.accessKeySecret, meaning: "AccessKeySecret of that account" },
  { name: "EMULATOR_EXTRA_ACCOUNTS", default: "(none)", meaning: "more accounts: id:secret,id:secret" },
  { name: "EMULATOR_REGION", default: "cn-shanghai", meaning: "region when the Host header names none" },
  { name: "EMULATOR_ACTIVATION_DELAY_MS", default: "3000", meaning: "offline -> active delay of new libraries" },
  { name: "EMULATOR_ACTIVATION_JITTER_MS", default: "1000", meaning: "uniform random extra activation delay, 0..value" },
  { name: "EMULATOR_DELETE_JOB_DELAY_MS", default: "2000", meaning: "how long an MPS delete job stays Queuing" },
  { name: "EMULATOR_LIBRARY_QUOTA", default: "5", meaning: "libraries per account per service" },
  { name: "EMULATOR_QPS_LIMITS", default: "100 for every action", meaning: "per-action limits: Action=qps,Action=qps" },
  { name: "EMULATOR_CLOCK_SKEW_TOLERANCE_MS", default: "900000", meaning: "allowed signing-timestamp skew (15 min)" },
  { name: "EMULATOR_DATA_DIR", default: "OS temp folder", meaning: "parent folder of the OSS stand-in's object files (an oss-XXXXXX folder per run, removed on exit)" },
  { name: "EMULATOR_JOB_QUEUE_DELAY_MS", default: "1000", meaning: "how long a DNA/FpShot/import job stays Queuing" },
  { name: "EMULATOR_JOB_SECONDS_PER_MEDIA_SECOND", default: "0.5", meaning: "analysis time per media second (text: per 50 characters; image: per image); 0 = instant" },
  { name: "EMULATOR_OSS_MAX_OBJECT_BYTES", default: "1073741824", meaning: "largest OSS object accepted (EntityTooLarge above)" },
  { name: "EMULATOR_STATE_FILE", default: "(none)", meaning: "JSON snapshot: loaded at start if present, saved on shutdown" },
  { name: "EMULATOR_LOG", default: "requests", meaning: "requests = one line per request, silent = none" },
];

export function parseEmulatorEnv(env: Readonly<Record<string, string | undefined>>): CliConfig {
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) > max) throw new EnvError(`${name} must be an integer from 0 to ${max}, got "${v}".`);
    return Number(v);
  };

  const ratio = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (!/^\d+(\.\d+)?$/.test(v)) throw new EnvError(`${name} must be a number >= 0 such as 0.5, got "${v}".`);
    return Number(v);
  };

  const id = get("EMULATOR_ACCESS_KEY_ID");
  const secret = env["EMULATOR_ACCESS_KEY_SECRET"] === undefined || env["EMULATOR_ACCESS_KEY_SECRET"] === "" ? undefined : env["EMULATOR_ACCESS_KEY_SECRET"];
  if ((id === undefined) !== (secret === undefined)) {
    throw new EnvError("EMULATOR_ACCESS_KEY_ID and EMULATOR_ACCESS_KEY_SECRET must be set together (or neither, for the development pair).");
  }
  const userSuppliedKeyIds: string[] = [];
  const accounts: EmulatorAccount[] = [];
  if (id !== undefined) {
    checkKeyId("EMULATOR_ACCESS_KEY_ID", id);
    accounts.push({ accessKeyId: id, accessKeySecret: secret! });
    userSuppliedKeyIds.push(id);
  } else {
    accounts.push({ ...DEFAULT_DEV_ACCOUNT });
  }
  for (const extra of parseAccounts(get("EMULATOR_EXTRA_ACCOUNTS"))) {
    if (accounts.some((a) => a.accessKeyId === extra.accessKeyId)) {
      throw new EnvError(`EMULATOR_EXTRA_ACCOUNTS repeats the AccessKeyId ${extra.accessKeyId}.`);
    }
    accounts.push(extra);
    userSuppliedKeyIds.push(extra.accessKeyId);
  }

  const region = get("EMULATOR_REGION") ?? "cn-shanghai";
  if (!/^[a-z]{2,}(-[a-z0-9]+)+$/.test(region)) throw new EnvError(`EMULATOR_REGION must be a region id like cn-shanghai, got "${region}".`);

  const log = get("EMULATOR_LOG") ?? "requests";
  if (log !== "requests" && log !== "silent") throw new EnvError(`EMULATOR_LOG must be "requests" or "silent", got "${log}".`);

  const stateFile = get("EMULATOR_STATE_FILE");
  const dataDir = get("EMULATOR_DATA_DIR");
  return {
    options: {
      host: get("EMULATOR_HOST") ?? "127.0.0.1",
      port: int("EMULATOR_PORT", 4100, 65535),
      accounts,
      region,
      activationDelayMs: int("EMULATOR_ACTIVATION_DELAY_MS", 3000),
      activationJitterMs: int("EMULATOR_ACTIVATION_JITTER_MS", 1000),
      deleteJobDelayMs: int("EMULATOR_DELETE_JOB_DELAY_MS", 2000),
      libraryQuota: int("EMULATOR_LIBRARY_QUOTA", 5),
      qpsLimits: parseQps(get("EMULATOR_QPS_LIMITS")),
      clockSkewToleranceMs: int("EMULATOR_CLOCK_SKEW_TOLERANCE_MS", 15 * 60 * 1000),
      ossMaxObjectBytes: int("EMULATOR_OSS_MAX_OBJECT_BYTES", 1024 * 1024 * 1024),
      jobQueueDelayMs: int("EMULATOR_JOB_QUEUE_DELAY_MS", 1000),
      jobSecondsPerMediaSecond: ratio("EMULATOR_JOB_SECONDS_PER_MEDIA_SECOND", 0.5),
      ...(dataDir !== undefined ? { dataDir } : {}),
    },
    ...(stateFile !== undefined ? { stateFile } : {}),
    logRequests: log === "requests",
    userSuppliedKeyIds,
  };
}

function checkKeyId(variable: string, id: string): void {
  if (/[\s,:]/.test(id)) throw new EnvError(`${variable}: the AccessKeyId "${id}" must not contain spaces, commas or colons.`);
}

function parseAccounts(text: string | undefined): EmulatorAccount[] {
  if (text === undefined) return [];
  return text.split(",").map((pair) => {
    const colon = pair.indexOf(":");
    const accessKeyId = pair.slice(0, colon).trim();
    const accessKeySecret = pair.slice(colon + 1).trim();
    if (colon <= 0 || accessKeyId === "" || accessKeySecret === "") {
      // Do not echo the pair: it contains a secret.
      throw new EnvError("EMULATOR_EXTRA_ACCOUNTS must look like id:secret,id:secret (an entry is malformed).");
    }
    checkKeyId("EMULATOR_EXTRA_ACCOUNTS", accessKeyId);
    return { accessKeyId, accessKeySecret };
  });
}

function parseQps(text: string | undefined): Record<string, number> {
  if (text === undefined) return {};
  const out: Record<string, number> = {};
  for (const entry of text.split(",")) {
    const [action, value, ...rest] = entry.split("=").map((s) => s.trim());
    if (!action || value === undefined || rest.length > 0) {
      throw new EnvError(`EMULATOR_QPS_LIMITS must look like CreateFpShotDB=100,ListDNADB=50; "${entry}" is malformed.`);
    }
    if (!ALL_ACTIONS.includes(action)) throw new EnvError(`EMULATOR_QPS_LIMITS names unknown action ${action}; known: ${ALL_ACTIONS.join(", ")}.`);
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new EnvError(`EMULATOR_QPS_LIMITS: ${action} must be a positive number, got "${value}".`);
    out[action] = n;
  }
  return out;
}
