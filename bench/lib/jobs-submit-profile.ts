/**
 * The jobs-submit part's profiled run: the same submits (gateway path only, no injected
 * latency: it adds no CPU) through one more gateway, under --cpu-prof and with every SQLite
 * statement it runs counted (sqlite-statement-counter.ts). The profile covers the submits
 * alone; the counts are per ICE submit, per MPS submit and, for comparison, per
 * createFingerprintLibrary (VIDEO -> ICE) on the same gateway.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { summarizeProfile } from "./cpu-profile.js";
import type { EmulatorProcess } from "./emulator-process.js";
import { ROOT, sleep, type GatewayChild } from "./gateway-child.js";
import { activeLibrary, CREATE, gatewayEnvFor, postGraphql, submitThroughGateway, type JobsSubmitBenchDeps } from "./jobs-submit-setup.js";
import type { JsonPoster } from "./json-poster.js";

const r2 = (x: number) => Math.round(x * 100) / 100;

export async function profileSubmits(deps: JobsSubmitBenchDeps, emulator: EmulatorProcess, post: JsonPoster, options: { submits: number; warmup: number }, dir: string) {
  mkdirSync(dir, { recursive: true });
  const name = `jobs-submit.${Date.now()}.cpuprofile`;
  const countsFile = join(dir, `jobs-submit-statements.${process.pid}.json`);
  deps.log(`jobs-submit: one more gateway under --cpu-prof with its SQLite statements counted, ${options.submits} submits per backend, then ${options.submits} creates`);
  const gateway = await deps.launch(
    gatewayEnvFor(deps, emulator, "jobs-submit-prof", { SQLITE_COUNTER_FILE: countsFile }),
    [`--import=${pathToFileURL(join(ROOT, "dist", "bench", "lib", "sqlite-statement-counter.js")).href}`, "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  );
  let fromUs = 0;
  let toUs = 0;
  const statements: Record<string, unknown> = {};
  try {
    const libraries = { ICE: await activeLibrary(deps, emulator, gateway, post, "ICE", "prof"), MPS: await activeLibrary(deps, emulator, gateway, post, "MPS", "prof") };
    for (const backend of ["ICE", "MPS"] as const) for (let i = 0; i < options.warmup; i++) await submitThroughGateway(deps, gateway, post, backend, libraries[backend].id, `prof-warm-${i}`);
    let counts = await statementCounts(gateway, countsFile, 0);
    fromUs = Number(process.hrtime.bigint() / 1000n);
    for (const backend of ["ICE", "MPS"] as const) {
      for (let i = 0; i < options.submits; i++) await submitThroughGateway(deps, gateway, post, backend, libraries[backend].id, `prof-${i}`);
      const next = await statementCounts(gateway, countsFile, counts.seq);
      statements[`submitFingerprintJob ${backend}`] = { executed: perRequest(counts.executed, next.executed, options.submits), prepared: perRequest(counts.prepared, next.prepared, options.submits) };
      counts = next;
    }
    toUs = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < options.submits; i++) {
      const input = { name: `jobs-bench-create-${i}`, model: "VIDEO", backend: "ICE", idempotencyKey: `${deps.runId}-prof-create-${i}` };
      await postGraphql(post, gateway, CREATE, { input });
    }
    const next = await statementCounts(gateway, countsFile, counts.seq);
    statements["createFingerprintLibrary ICE"] = { executed: perRequest(counts.executed, next.executed, options.submits), prepared: perRequest(counts.prepared, next.prepared, options.submits) };
  } finally {
    await deps.stop(gateway);
    rmSync(countsFile, { force: true });
  }
  const file = readdirSync(dir).find((f) => f === name);
  const summary = file ? summarizeProfile(join(dir, file), { fromUs, toUs }, 25) : null;
  const submits = options.submits * 2;
  return {
    submits,
    sqliteStatementsPerRequest: statements,
    // Wall time the JavaScript thread was not idle: on a loaded machine this includes time the
    // process was waiting for a core, so use the percentages, not the milliseconds.
    profile: summary && { busyWallMsPerSubmit: r2((summary.sampledMs - summary.idleMs) / submits), ...summary },
  };
}

/** Statement counts of a gateway child preloaded with sqlite-statement-counter.ts. */
async function statementCounts(gateway: GatewayChild, file: string, after: number): Promise<{ seq: number; executed: Record<string, number>; prepared: Record<string, number> }> {
  gateway.child.kill("SIGUSR2");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const counts = JSON.parse(readFileSync(file, "utf8"));
      if (counts.seq > after) return counts;
    } catch {
      // not written yet
    }
    await sleep(20);
  }
  throw new Error("the gateway child did not write its statement counts");
}

/** Per request: what ran between two snapshots, divided by the number of requests. */
function perRequest(before: Record<string, number>, after: Record<string, number>, requests: number) {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (d > 0) {
      out[key] = r2(d / requests);
      total += d;
    }
  }
  return { total: r2(total / requests), byStatement: out };
}
