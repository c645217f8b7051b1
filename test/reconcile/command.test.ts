/**
 * `npm run reconcile` as an operator runs it: the built script (dist/scripts/reconcile.js)
 * as a child process, against a registry a real gateway wrote and the emulator it used.
 * Exit codes: 0 nothing left, 1 orphans or unresolved items, 2 settings, 3 could not run.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { CREATE } from "../support/documents.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";
import { buildGateway } from "../support/gateway-process.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dbFile = join(tmpdir(), `fg-reconcile-cli-${randomUUID()}.db`);
let h: Harness;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCommand(env: Record<string, string>, args: string[] = [], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["dist/scripts/reconcile.js", ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`reconcile did not exit in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const cloudEnv = () => ({
  DATABASE_URL: `file:${dbFile}`,
  ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
  ICE_ENDPOINT: h.emulator.endpoint,
  MPS_ENDPOINT: h.emulator.endpoint,
  BACKEND_PROTOCOL: "http",
  BACKEND_RETRY_MIN_DELAY_MS: "5",
  BACKEND_RETRY_MAX_DELAY_MS: "20",
});

beforeAll(async () => {
  buildGateway();
  h = await startHarness({
    databaseUrl: `file:${dbFile}`,
    emulator: { activationDelayMs: 3_600_000, libraryQuota: 100 },
    env: { WATCHER_ENABLED: "false" },
  });
}, 180_000);
afterAll(async () => {
  await h?.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
});

describe("npm run reconcile", () => {
  it("exits 0 and says so when registry and backends agree", async () => {
    const created = await h.gql(CREATE, { input: { name: "cli-agrees", model: "VIDEO" } });
    expect(created.errors).toBeUndefined();
    const result = await runCommand(cloudEnv());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\| libraries checked on their backend\s+\| 1\s+\|/);
    expect(result.stdout).toContain("Registry and backends agree.");
  });

  it("exits 0 after repairing a library deleted behind the gateway's back, and shows the repair", async () => {
    const created = await h.gql(CREATE, { input: { name: "cli-deleted", model: "IMAGE" } });
    const { backendLibraryId } = created.data!.createFingerprintLibrary.library;
    h.emulator.control.deleteLibrary(backendLibraryId);
    const result = await runCommand(cloudEnv());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Repaired:");
    expect(result.stdout).toMatch(new RegExp(`${backendLibraryId} \\| OFFLINE \\(offline\\) \\| DELETED \\(absent\\)`));
    const row = await h.gateway.services.store.libraries.findByBackendId("default", "MPS", backendLibraryId);
    expect(row).toMatchObject({ status: "DELETED" });
  });

  it("exits 1 with an orphan, and --json prints the report", async () => {
    const orphan = await h.gateway.services.backends.ICE.create("cn-shanghai", { name: "cli-orphan", description: null, model: "VIDEO", config: null });
    try {
      const result = await runCommand(cloudEnv(), ["--json"]);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({ needsAttention: true, complete: true, unresolved: [] });
      expect(report.orphans).toEqual([expect.objectContaining({ backend: "ICE", backendLibraryId: orphan.backendLibraryId, name: "cli-orphan" })]);
      // Every allowed region is the one emulator endpoint: listed once per backend, not four times.
      expect(report.backendLibrariesListed).toBe(h.emulator.control.state().libraries.length);

      const text = await runCommand(cloudEnv());
      expect(text.code).toBe(1);
      expect(text.stdout).toContain("Orphans");
      expect(text.stdout).toContain(orphan.backendLibraryId);

      // --no-orphans skips the (undocumented) List without ids.
      const skipped = await runCommand(cloudEnv(), ["--no-orphans", "--json"]);
      expect(skipped.code).toBe(0);
      expect(JSON.parse(skipped.stdout).backendLibrariesListed).toBe(0);
    } finally {
      h.emulator.control.deleteLibrary(orphan.backendLibraryId);
    }
  });

  it("exits 2 in embedded mode, saying what it needs", async () => {
    const result = await runCommand({ DATABASE_URL: `file:${dbFile}` });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("ALIBABA_CLOUD_ACCESS_KEY_ID");
    expect(result.stderr).toContain("ICE_ENDPOINT");
  });

  it("exits 2 on invalid settings or arguments, and 0 on --help", async () => {
    expect((await runCommand({ ...cloudEnv(), BACKEND_PROTOCOL: "gopher" })).code).toBe(2);
    const bad = await runCommand(cloudEnv(), ["--frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument");
    const help = await runCommand(cloudEnv(), ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: npm run reconcile");
  });

  it("exits 3 when the database cannot be opened, without echoing its URL's password", async () => {
    const result = await runCommand({ ...cloudEnv(), DATABASE_URL: "postgresql://user:s3cret-pw@127.0.0.1:1/nowhere" });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("cannot open the database");
    expect(result.stderr).not.toContain("s3cret-pw");
  });
});
