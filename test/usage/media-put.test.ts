/**
 * `npm run media:put`: the built script, spawned as a newcomer runs it, against a gateway
 * started in embedded mode (as `npm start` does), and against what can go wrong: no
 * gateway, a gateway in cloud mode, a missing file, a file too big for the emulator's OSS.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGateway, type RunningGateway } from "../../src/server/gateway.js";
import { buildGateway } from "../support/gateway-process.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let gateway: RunningGateway;

beforeAll(async () => {
  buildGateway();
  dir = mkdtempSync(join(tmpdir(), "media-put-"));
  // Embedded mode: no cloud credentials, so the gateway starts the emulator in-process.
  gateway = await startGateway(loadConfig({ PORT: "0", DATABASE_URL: `file:${join(dir, "gateway.db")}`, RECONCILE_AT_STARTUP: "false" }), {
    logger: pino({ level: "silent" }),
  });
}, 120_000);
afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

function mediaPut(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["dist/scripts/media-put.js", ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface OssState {
  oss: { buckets: Array<{ name: string; location: string; objects: Array<{ key: string; size: number }> }> };
}

async function emulatorState(): Promise<OssState> {
  return (await (await fetch(`${gateway.emulatorUrl}/_emulator/state`)).json()) as OssState;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("npm run media:put", () => {
  it("puts a file into the embedded emulator's OSS and prints the media input and a mutation", async () => {
    const file = join(dir, "clip one.txt");
    writeFileSync(file, "A short text to fingerprint, put through ali-oss.");
    // Named relative to where `npm run` was typed (npm runs the script in the package folder).
    const result = await mediaPut(["clip one.txt", "--gateway", gateway.url, "--library", "TElCUkFSWQ", "--json"], { INIT_CWD: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ bucket: "media", object: "uploads/clip one.txt", location: "oss-cn-shanghai", size: 49 });
    expect(out.media).toEqual({ oss: { bucket: "media", object: "uploads/clip one.txt", location: "oss-cn-shanghai" } });
    expect(out.mutation).toContain('libraryId: "TElCUkFSWQ"');
    expect(out.mutation).toContain('primaryKey: "clip-one.txt"');

    // The object is in the emulator's OSS, owned by its development account, with the file's bytes.
    const state = await emulatorState();
    const bucket = state.oss.buckets.find((b) => b.name === "media");
    expect(bucket).toMatchObject({ location: "oss-cn-shanghai" });
    expect(bucket!.objects).toEqual([expect.objectContaining({ key: "uploads/clip one.txt", size: 49 })]);

    // Run again (same bucket): fine; and the readable form says where things are.
    const text = await mediaPut([file, "--gateway", gateway.url, "--object", "texts/again.txt"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("bucket:   media");
    expect(text.stdout).toContain("object:   texts/again.txt");
    expect(text.stdout).toContain('media: { oss: { bucket: "media", object: "texts/again.txt", location: "oss-cn-shanghai" } }');
    expect(text.stdout).toMatch(/mutation \{\n {2}submitFingerprintJob\(input: \{/);
  }, 60_000);

  it("says so when the file is missing, or bigger than the emulator takes", async () => {
    const missing = await mediaPut([join(dir, "nope.mp4"), "--gateway", gateway.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^media:put: .*nope\.mp4 does not exist/);

    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc(2048));
    await fetch(`${gateway.emulatorUrl}/_emulator/settings`, { method: "PATCH", body: JSON.stringify({ ossMaxObjectBytes: 1024 }) });
    try {
      const tooBig = await mediaPut([big, "--gateway", gateway.url]);
      expect(tooBig.code).toBe(1);
      expect(tooBig.stderr).toContain("is 2048 bytes; the emulator's OSS takes objects of at most 1024 bytes");
    } finally {
      await fetch(`${gateway.emulatorUrl}/_emulator/settings`, { method: "PATCH", body: JSON.stringify({ ossMaxObjectBytes: 1024 * 1024 * 1024 }) });
    }
    const state = await emulatorState();
    const keys = state.oss.buckets.flatMap((b) => b.objects.map((o) => o.key));
    expect(keys).not.toContain("uploads/big.bin");

    const usage = await mediaPut([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run media:put");
  }, 60_000);

  it("says so when no gateway answers, or the gateway is in cloud mode", async () => {
    const file = join(dir, "x.txt");
    writeFileSync(file, "x");
    const port = await closedPort();
    const nobody = await mediaPut([file], { PORT: String(port) });
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toContain(`no gateway answers at http://localhost:${port}`);
    expect(nobody.stderr).toContain("npm start");

    let cloud: Harness | undefined;
    try {
      cloud = await startHarness();
      const refused = await mediaPut([file, "--gateway", cloud.gateway.url]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain("runs no embedded emulator (it is in cloud mode");
    } finally {
      await cloud?.close();
    }
  }, 60_000);
});
