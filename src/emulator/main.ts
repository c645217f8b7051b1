/**
 * CLI: `npm run emulator`. Configuration comes from EMULATOR_* variables (env.ts).
 * Prints the endpoint and the key pairs at start; prints a secret only when it is the
 * public development default. Stops cleanly on SIGINT/SIGTERM, saving state if asked.
 */
import { access } from "node:fs/promises";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "./index.js";
import { EnvError, ENV_VARIABLES, parseEmulatorEnv, type CliConfig } from "./env.js";

function usage(): string {
  const width = Math.max(...ENV_VARIABLES.map((v) => v.name.length));
  return [
    "Alibaba Cloud ICE/MPS fingerprint-library emulator. Settings (environment):",
    ...ENV_VARIABLES.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning} (default: ${v.default})`),
  ].join("\n");
}

function banner(emu: RunningEmulator, cfg: CliConfig): string {
  const lines = [
    "Alibaba Cloud fingerprint-library emulator (ICE 2020-11-09, MPS 2014-06-18)",
    `  endpoint: ${emu.endpoint}  (SDK Config: endpoint "${emu.endpoint}", protocol "http")`,
    `  control:  ${emu.url}/_emulator/state`,
    `  oss:      ali-oss endpoint "${emu.url}" (bucket in the Host header, or sldEnable: true for /bucket/key)`,
    `  region:   ${emu.control.settings().region}`,
  ];
  for (const a of emu.accounts) {
    const isDev = a.accessKeyId === DEFAULT_DEV_ACCOUNT.accessKeyId && a.accessKeySecret === DEFAULT_DEV_ACCOUNT.accessKeySecret;
    const secret = isDev && !cfg.userSuppliedKeyIds.includes(a.accessKeyId) ? `${a.accessKeySecret}  (public development pair)` : "******** (from the environment, not printed)";
    lines.push(`  account:  AccessKeyId ${a.accessKeyId}  AccessKeySecret ${secret}`);
  }
  if (cfg.stateFile) lines.push(`  state:    ${cfg.stateFile} (saved on shutdown)`);
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(usage());
    return;
  }
  let cfg: CliConfig;
  try {
    cfg = parseEmulatorEnv(process.env);
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(`emulator: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }

  let emu: RunningEmulator;
  try {
    emu = await startEmulator({ ...cfg.options, log: cfg.logRequests ? (line) => console.log(line) : () => {} });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE") console.error(`emulator: port ${cfg.options.port} is already in use (EMULATOR_PORT).`);
    else if (err.code === "EADDRNOTAVAIL") console.error(`emulator: cannot listen on ${cfg.options.host} (EMULATOR_HOST).`);
    else console.error(`emulator: ${err.message}`);
    process.exit(1);
  }

  if (cfg.stateFile && (await exists(cfg.stateFile))) {
    try {
      const loaded = await emu.control.loadState(cfg.stateFile);
      console.log(`loaded ${loaded.libraries} libraries and ${loaded.jobs} jobs from ${cfg.stateFile}`);
    } catch (e) {
      console.error(`emulator: EMULATOR_STATE_FILE: ${(e as Error).message}`);
      await emu.close();
      process.exit(1);
    }
  }
  console.log(banner(emu, cfg));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    try {
      if (cfg.stateFile) {
        const saved = await emu.control.saveState(cfg.stateFile);
        console.log(`saved ${saved.libraries} libraries and ${saved.jobs} jobs to ${cfg.stateFile}`);
      }
    } catch (e) {
      console.error(`emulator: could not save state: ${(e as Error).message}`);
      process.exitCode = 1;
    }
    await emu.close();
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

await main();
