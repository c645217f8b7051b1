/**
 * The gateway as a child process (dist/src/main.js), so that its RSS and CPU time are its
 * own and not mixed with the load generator's. LOG_LEVEL=warn hides the "ready" line, so
 * the bench picks a free port itself and polls /readyz; the ready line is still honoured
 * when a louder LOG_LEVEL prints it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository root (dist/bench/lib/ -> ../../..). */
export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface GatewayChild {
  child: ChildProcess;
  pid: number;
  url: string;
  graphqlUrl: string;
  /** The last lines the child printed (warnings, errors). */
  output: string[];
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after graceMs; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startGatewayChild(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; timeoutMs?: number; logFile?: string } = {},
): Promise<GatewayChild> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "dist/src/main.js"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    if (options.logFile) appendFileSync(options.logFile, chunk);
    for (const line of String(chunk).split("\n").filter(Boolean)) {
      output.push(line);
      if (output.length > 200) output.shift();
    }
  };
  child.stdout!.on("data", remember);
  child.stderr!.on("data", remember);
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      exitedWith = code ?? signal ?? "unknown";
      resolve(exitedWith);
    }),
  );

  const stop = async (graceMs = 20_000) => {
    if (exitedWith !== undefined) return exitedWith;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedWith !== undefined) throw new Error(`gateway exited (${exitedWith}) before it was ready:\n${output.join("\n")}`);
    if (Date.now() > deadline) {
      await stop(2_000);
      throw new Error(`gateway did not get ready in ${timeoutMs} ms:\n${output.join("\n")}`);
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return { child, pid: child.pid!, url, graphqlUrl: `${url}/graphql`, output, exited, stop };
}

// ---------------------------------------------------------------- /proc readings (Linux)

let clockTicks: number | undefined;
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in KiB: /proc/<pid>/status VmRSS, or `ps -o rss=` where there is no /proc. */
export function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // fall through to ps
  }
  return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim());
}

/** utime + stime of the process in seconds (/proc/<pid>/stat fields 14 and 15), all threads. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * utime + stime of the process's main thread alone (its tid is the pid): the JavaScript
 * thread, including the GC work V8 does on it, without the GC helpers and libuv's pool.
 */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * CPU time of all the process's threads in milliseconds, to the nanosecond
 * (/proc/<pid>/task/<tid>/schedstat, first field), for spans too short for the 10 ms ticks
 * of cpuSeconds. Threads that ended meanwhile are not counted; 0 where there is no schedstat.
 */
export function taskCpuMs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}

function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicksPerSecond();
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see what else ran meanwhile. */
export function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
  const idle = fields[3] + fields[4];
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------- HTTP helpers

export async function graphql<T = any>(graphqlUrl: string, query: string, variables: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
  let response: Response;
  try {
    response = await fetch(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // undici says only "fetch failed"; the cause (e.g. "other side closed") is what helps.
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    throw new Error(`fetch failed${cause ? `: ${cause.code ?? ""} ${cause.message ?? ""}` : ""}`);
  }
  return graphqlData<T>(response.status, (await response.json()) as { data?: T });
}

/** The data of a GraphQL answer, or an error naming each error's code and message. */
export function graphqlData<T = any>(status: number, body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }): T {
  if (body.errors?.length) {
    throw new Error(`GraphQL error: ${body.errors.map((e) => `${e.extensions?.code ?? "?"}: ${e.message}`).join("; ")}`);
  }
  if (!body.data) throw new Error(`GraphQL answered HTTP ${status} without data`);
  return body.data;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for counters and gauges). */
export async function scrapeMetrics(baseUrl: string): Promise<Sample[]> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

export function sumSamples(samples: Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && where(s.labels)).reduce((sum, s) => sum + s.value, 0);
}
