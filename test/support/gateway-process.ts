/**
 * Runs the built gateway (dist/src/main.js) as a real child process, for what one process
 * cannot show: several instances on one database and Redis, kill -9, and a clean exit on
 * SIGTERM. The ready line of its JSON log gives the URL.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Compiles src once per test file (incremental, so a no-op when nothing changed). */
export function buildGateway(): void {
  const result = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  graphqlUrl: string;
  logs: string[];
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

export async function startGatewayProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ["dist/src/main.js"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", LOG_LEVEL: "info", RECONCILE_AT_STARTUP: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not get ready in ${timeoutMs} ms:\n${logs.join("")}`)), timeoutMs);
    const onLine = (chunk: Buffer) => {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        logs.push(line + "\n");
        try {
          const entry = JSON.parse(line);
          if (entry.msg === "fingerprint gateway ready") {
            clearTimeout(timer);
            resolve(String(entry.url).replace(/\/graphql$/, ""));
          }
        } catch {
          // not a JSON log line
        }
      }
    };
    child.stdout!.on("data", onLine);
    child.stderr!.on("data", onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before it was ready:\n${logs.join("")}`));
    });
  });
  return { child, pid: child.pid!, url, graphqlUrl: `${url}/graphql`, logs, exited, kill: (signal = "SIGTERM") => child.kill(signal) };
}
