/**
 * `npm run reconcile`: compares the registry with the backends, repairs what it can and
 * reports the rest (src/reconcile/reconciler.ts). Reads the same settings as the gateway
 * (DATABASE_URL, ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, ICE_ENDPOINT, ...) and opens the store
 * and backends the way the gateway does; safe to run while gateways are running (every
 * repair is the same compare-and-set the watcher makes).
 *
 *   npm run reconcile                    # a readable report
 *   npm run reconcile -- --json          # the report as JSON on stdout
 *   npm run reconcile -- --no-orphans    # skip listing every backend library (undocumented upstream)
 *
 * Exit codes: 0 registry and backends agree (or every difference was repaired);
 * 1 something is left for a person (an unresolved item or an orphan library);
 * 2 the settings do not allow a reconcile (invalid, or embedded mode);
 * 3 the reconcile could not run (database or backends unreachable at start, a crash).
 */
import { ConfigError, loadConfig, type Config } from "../src/config.js";
import { createBackendAccounts, endpointKey, type BackendSettings } from "../src/backends/index.js";
import { TenantCredentialsError } from "../src/backends/tenant-credentials.js";
import { formatReport } from "../src/reconcile/format.js";
import { needsAttention, reconcile } from "../src/reconcile/reconciler.js";
import { createLogger } from "../src/server/logger.js";
import { createServices } from "../src/services/index.js";
import { openStore, redactDatabaseUrl } from "../src/store/index.js";
import { assignLegacyAccounts } from "../src/server/legacy-accounts.js";
import { backendSettingsFrom, serviceSettingsFrom, tenantCredentialsFrom } from "../src/server/settings-from-config.js";

const USAGE = `usage: npm run reconcile -- [--json] [--no-orphans] [--deadline-seconds N]

Compares the gateway's registry with ICE and MPS for every library and pending create,
records what changed (with its event), settles interrupted creates, and lists backend
libraries no registry holds (orphans). Settings come from the same environment variables
as the gateway. Exit 0: nothing left to do; 1: unresolved items or orphans; 2: settings;
3: could not run.`;

interface Args {
  json: boolean;
  orphans: boolean;
  deadlineSeconds: number;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { json: false, orphans: true, deadlineSeconds: 900 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") args.json = true;
    else if (arg === "--no-orphans") args.orphans = false;
    else if (arg === "--deadline-seconds") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 86_400) return "--deadline-seconds takes a whole number from 1 to 86400";
      args.deadlineSeconds = n;
    } else if (arg === "--help" || arg === "-h") return USAGE;
    else return `unknown argument "${arg}"\n\n${USAGE}`;
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    const help = args === USAGE;
    (help ? console.log : console.error)(args);
    return help ? 0 : 2;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`reconcile: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (config.mode === "embedded") {
    console.error(
      [
        "reconcile: no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set (embedded mode). The embedded emulator lives only inside a",
        "running gateway, so there is no backend to compare the registry with; reconciling against a fresh one would",
        "mark every library DELETED. Reconcile needs cloud credentials, or a running emulator named explicitly:",
        "  ICE_ENDPOINT=127.0.0.1:4100 MPS_ENDPOINT=127.0.0.1:4100 BACKEND_PROTOCOL=http \\",
        "  ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI-emulator-dev ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-dev-secret npm run reconcile",
      ].join("\n"),
    );
    return 2;
  }

  let tenantCredentials;
  try {
    tenantCredentials = tenantCredentialsFrom(config);
  } catch (error) {
    if (error instanceof TenantCredentialsError) {
      console.error(`reconcile: ${error.message}`);
      return 2;
    }
    throw error;
  }

  // Logs go to stderr (JSON lines), so stdout is only the report; quiet unless LOG_LEVEL asks.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : "warn", process.stderr);
  let store;
  try {
    store = await openStore({ databaseUrl: config.databaseUrl, log: (msg, fields) => log.info(fields ?? {}, msg) });
  } catch (error) {
    console.error(`reconcile: cannot open the database ${redactDatabaseUrl(config.databaseUrl)}: ${(error as Error).message}`);
    return 3;
  }
  try {
    const backendSettings: BackendSettings = backendSettingsFrom(config);
    const services = createServices(
      store,
      createBackendAccounts(backendSettings, tenantCredentials),
      serviceSettingsFrom(config),
      log,
    );
    await assignLegacyAccounts(store, services.accounts, log);
    const report = await reconcile(services, {
      regions: config.regions.allowed,
      intentStaleMs: config.createIntentStaleMs,
      orphans: args.orphans,
      listingKey: (backend, region) => endpointKey(backendSettings, backend, region),
      deadlineMs: args.deadlineSeconds * 1000,
      log,
    });
    if (args.json) {
      console.log(JSON.stringify({ ...report, needsAttention: needsAttention(report) }, null, 2));
    } else {
      console.log(formatReport(report));
      console.log(
        needsAttention(report)
          ? `\n${report.unresolved.length} unresolved, ${report.orphans.length} orphan(s): a person should look at the lists above.`
          : "\nRegistry and backends agree.",
      );
    }
    return needsAttention(report) ? 1 : 0;
  } catch (error) {
    console.error(`reconcile failed: ${(error as Error).message}`);
    return 3;
  } finally {
    await store.close().catch(() => {});
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Keep-alive sockets to the backends may hold the loop a while; the work is done.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error) => {
    console.error("reconcile failed:", error instanceof Error ? error.message : error);
    process.exit(3);
  },
);
