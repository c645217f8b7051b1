/**
 * bench/results/summary.md from whatever results files are present (reads, creates,
 * jobs-submit, economy, startup, and subscriptions.json from `npm run bench:subscriptions`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const load = (dir: string, name: string): any => {
  const file = join(dir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
};
const yesNo = (b: boolean) => (b ? "**met**" : "**not met**");

export function writeSummary(dir: string, machine: { cores: number; cpu: string; node: string; platform: string; loadAverage1m?: number }): string {
  const lines: string[] = [];
  lines.push(`# Benchmark summary`, "", `Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}. Load average (1 min) at the end: ${machine.loadAverage1m} — the machine was shared with other work, so absolute figures are noisy; the ratios were measured back to back. Written ${new Date().toISOString()}.`, "");
  const reads = load(dir, "reads");
  if (reads) {
    lines.push(
      `## Reads (${reads.at}; ${reads.libraries} libraries, autocannon ${reads.connections} connections, ${reads.durationS} s after ${reads.warmupS} s warm-up)`,
      "",
      `Data: ${reads.dataSource}.`,
      "",
      "| query | server | req/s | p50 ms | p99 ms | server CPU s | errors (incl. 10 s timeouts) |",
      "|---|---|---:|---:|---:|---:|---:|",
    );
    for (const [w, byServer] of Object.entries<any>(reads.results)) {
      for (const [s, m] of Object.entries<any>(byServer)) {
        lines.push(`| ${w} | ${s === "mercurius" ? "mercurius + graphql-jit" : s === "yoga" ? "graphql-yoga" : "gateway"} | ${m.requestsPerSec} | ${m.latencyP50Ms} | ${m.latencyP99Ms} | ${m.serverCpuS} | ${m.errors + m.non2xx} |`);
      }
    }
    lines.push("", "| query | gateway / graphql-yoga req/s | p99 | gateway / mercurius+jit req/s | p99 |", "|---|---:|---:|---:|---:|");
    for (const w of Object.keys(reads.results)) {
      const y = reads.ratiosGatewayOverPeer[`${w}.yoga`];
      const m = reads.ratiosGatewayOverPeer[`${w}.mercurius`];
      lines.push(`| ${w} | ${y.rps} | ${y.p99} | ${m.rps} | ${m.p99} |`);
    }
    const met = Object.keys(reads.results).every((w) => reads.ratiosGatewayOverPeer[`${w}.yoga`].rps >= 1);
    lines.push("", `Goal "read throughput at least graphql-yoga's": ${yesNo(met)}.`, "");
  }
  const creates = load(dir, "creates");
  if (creates) {
    lines.push(
      `## Creates (${creates.at}; ${creates.creates} sequential each way)`,
      "",
      "| path | p50 ms | p99 ms | mean ms |",
      "|---|---:|---:|---:|",
      `| gateway createFingerprintLibrary (VIDEO → ICE) | ${creates.gatewayMs.p50} | ${creates.gatewayMs.p99} | ${creates.gatewayMs.mean} |`,
      `| direct CreateDNADB (SignedRpcClient) | ${creates.directMs.p50} | ${creates.directMs.p99} | ${creates.directMs.mean} |`,
      `| overhead ms | ${creates.overheadMs.p50} | ${creates.overheadMs.p99} | ${creates.overheadMs.mean} |`,
      `| ratio gateway / direct | ${creates.ratio.p50} | ${creates.ratio.p99} | ${creates.ratio.mean} |`,
      "",
      `Goal "create overhead under 5% of the direct client's time" (p50): ${yesNo(creates.goalMet)}.`,
      "",
    );
    const late = creates.atBackendLatency;
    if (late) {
      lines.push(
        `With ${late.backendLatencyMs} ms added to every CreateDNADB on the emulator (standing in for the round trip to Alibaba Cloud; ${late.creates} each way):`,
        "",
        "| path | p50 ms | p99 ms | mean ms |",
        "|---|---:|---:|---:|",
        `| gateway | ${late.gatewayMs.p50} | ${late.gatewayMs.p99} | ${late.gatewayMs.mean} |`,
        `| direct | ${late.directMs.p50} | ${late.directMs.p99} | ${late.directMs.mean} |`,
        `| overhead ms | ${late.overheadMs.p50} | ${late.overheadMs.p99} | ${late.overheadMs.mean} |`,
        `| ratio gateway / direct | ${late.ratio.p50} | ${late.ratio.p99} | ${late.ratio.mean} |`,
        "",
        `Goal at that latency (p50 within 5%): ${yesNo(late.goalMet)}. Gateway CPU per create: ${creates.gatewayCpuMsPerCreate?.process ?? "n/a"} ms.`,
        "",
      );
    }
  }
  const jobs = load(dir, "jobs-submit");
  if (jobs) {
    lines.push(
      `## Job submits (${jobs.at}; ${jobs.submits} sequential each way per backend, interleaved, ${jobs.backendLatencyMs} ms added to every submit on the emulator; HTTP client ${jobs.httpClient ?? "fetch"}; load average ${jobs.loadAverage1mDuring?.join(" / ") ?? "?"})`,
      "",
      "| backend | path | p50 ms | p95 ms | mean ms |",
      "|---|---|---:|---:|---:|",
    );
    for (const [backend, b] of Object.entries<any>(jobs.backends)) {
      lines.push(
        `| ${backend} | gateway submitFingerprintJob (SAVE) | ${b.gatewayMs.p50} | ${b.gatewayMs.p95} | ${b.gatewayMs.mean} |`,
        `| ${backend} | direct ${b.action} (SignedRpcClient) | ${b.directMs.p50} | ${b.directMs.p95} | ${b.directMs.mean} |`,
        `| ${backend} | ratio gateway / direct | ${b.ratio.p50} | ${b.ratio.p95} | ${b.ratio.mean} |`,
      );
      if (b.relayMs) {
        lines.push(
          `| ${backend} | relay: bare HTTP hop + the same SignedRpcClient call | ${b.relayMs.p50} | ${b.relayMs.p95} | ${b.relayMs.mean} |`,
          `| ${backend} | ratio relay / direct (any HTTP hop's floor) | ${b.relayRatio.p50} | ${b.relayRatio.p95} | ${b.relayRatio.mean} |`,
        );
      }
      if (b.apolloFloorMs) {
        lines.push(
          `| ${backend} | Apollo floor: the relay + one bare Apollo Server execution of the same mutation | ${b.apolloFloorMs.p50} | ${b.apolloFloorMs.p95} | ${b.apolloFloorMs.mean} |`,
          `| ${backend} | ratio Apollo floor / direct (the floor of the gateway's stack) | ${b.apolloFloorRatio.p50} | ${b.apolloFloorRatio.p95} | ${b.apolloFloorRatio.mean} |`,
        );
      }
    }
    const cpu = Object.entries<any>(jobs.backends)
      .map(([backend, b]) => `${backend} ${b.gatewayCpuMsPerSubmit.process} ms` + (b.gatewayCpuMsPerSubmit.duringSubmit !== undefined ? ` (${b.gatewayCpuMsPerSubmit.duringSubmit} ms during its own submits)` : ""))
      .join(", ");
    lines.push("", `Gateway CPU per submit: ${cpu}. Goal "${jobs.goal}": ${yesNo(jobs.goalMet)}.`);
    const counted = jobs.cpuProfile?.sqliteStatementsPerRequest;
    if (counted) {
      lines.push("", "SQLite statements per request (all of the gateway's, counted in the process; prepared = prepared again for this request):", "", "| request | statements | of which prepared again | statements |", "|---|---:|---:|---|");
      for (const [request, c] of Object.entries<any>(counted)) {
        const list = Object.entries<any>(c.executed.byStatement).map(([k, n]) => `${k} ×${n}`).join(", ");
        lines.push(`| ${request} | ${c.executed.total} | ${c.prepared.total} | ${list} |`);
      }
    }
    lines.push("");
  }
  const economy = load(dir, "economy");
  if (economy) {
    lines.push(`## Backend economy (${economy.at})`, "", "| libraries | refresh one at a time: List calls | watcher, one full pass: List calls | minimum (10 ids per call) |", "|---:|---:|---:|---:|");
    for (const s of economy.sizes) {
      lines.push(`| ${s.libraries} | ${s.refreshOneAtATime.listCalls} | ${s.watcherOnePass.listCalls} | ${s.watcherOnePass.minimumCalls} |`);
    }
    const e = economy.entities;
    lines.push("", `Federation: \`_entities\` with ${e.representations} representations in one request: ${e.backendListCalls} backend List calls over ${e.requests} requests; latency p50 ${e.latencyMs.p50} ms, p99 ${e.latencyMs.p99} ms. (${e.measured}.)`, "");
  }
  const startup = load(dir, "startup");
  if (startup) {
    lines.push(
      `## Start-up (${startup.at}; median of ${startup.runs})`,
      "",
      "| SQLite file | ready ms (median) | all runs ms | idle RSS MB 5 s after ready |",
      "|---|---:|---|---:|",
      `| fresh (migrations run) | ${startup.freshDatabase.readyMsMedian} | ${startup.freshDatabase.readyMsAll.join(", ")} | ${startup.freshDatabase.idleRssMbMedian} |`,
      `| already migrated | ${startup.migratedDatabase.readyMsMedian} | ${startup.migratedDatabase.readyMsAll.join(", ")} | ${startup.migratedDatabase.idleRssMbMedian} |`,
      "",
      `Goal "ready in under 2 s": ${yesNo(startup.goalMet)}.`,
      "",
    );
  }
  const subs = load(dir, "subscriptions");
  if (subs) {
    lines.push(`## Subscriptions fan-out (from bench/results/subscriptions.json, ${subs.at ?? subs.finishedAt ?? subs.startedAt ?? "date not recorded"}; \`npm run bench:subscriptions\`)`, "");
    const rows = subs.fanOut ?? subs.results ?? subs.runs ?? [];
    if (Array.isArray(rows) && rows.length) {
      lines.push("| N | deliveries ok/expected | p50 ms | p99 ms | RSS delta MB |", "|---:|---:|---:|---:|---:|");
      for (const r of rows) lines.push(`| ${r.subscribers} | ${r.deliveries}/${r.expected} | ${r.latencyMs?.p50} | ${r.latencyMs?.p99} | ${r.rssDeltaMb ?? "?"} |`);
      lines.push("");
    }
  }
  const text = lines.join("\n") + "\n";
  writeFileSync(join(dir, "summary.md"), text);
  return text;
}
