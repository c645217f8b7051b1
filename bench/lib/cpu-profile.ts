/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per function and per
 * module (a node_modules package, a file of src/, or V8/Node internals), optionally only
 * over a window of CLOCK_MONOTONIC microseconds (what both V8's profile timestamps and
 * process.hrtime use on Linux), so the numbers cover the measured rounds alone.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  windowed: boolean;
  sampledMs: number;
  idleMs: number;
  gcMs: number;
  topFunctions: Array<{ function: string; where: string; selfMs: number; percentOfBusy: number }>;
  /** Time with the function anywhere on the stack (counted once per sample). */
  topInclusive: Array<{ function: string; where: string; totalMs: number; percentOfBusy: number }>;
  topModules: Array<{ module: string; selfMs: number; percentOfBusy: number }>;
}

export function summarizeProfile(file: string, window?: { fromUs: number; toUs: number }, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, { function: string; where: string; us: number }>();
  let t = profile.startTime;
  const inWindow = window && window.fromUs >= profile.startTime && window.toUs <= profile.endTime + 1_000_000;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (inWindow && (t < window!.fromUs || t > window!.toUs)) continue;
    // A sample's time is the gap to the next one; the delta stored with sample i is the gap before it.
    const duration = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + duration);
    if (byId.get(profile.samples[i])!.callFrame.functionName === "(idle)") continue;
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      if (functionName === "(root)") continue;
      const where = url ? `${shorten(url)}:${lineNumber + 1}` : "";
      const key = `${functionName}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { function: functionName || "(anonymous)", where, us: 0 };
      entry.us += duration;
      inclusive.set(key, entry);
    }
  }

  let sampled = 0;
  let idle = 0;
  let gc = 0;
  const functions = new Map<string, { function: string; where: string; selfUs: number }>();
  const modules = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    sampled += us;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    if (functionName === "(garbage collector)") gc += us;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : "";
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { function: functionName || "(anonymous)", where, selfUs: 0 };
    entry.selfUs += us;
    functions.set(key, entry);
    const module = moduleOf(url, functionName);
    modules.set(module, (modules.get(module) ?? 0) + us);
  }
  const busy = Math.max(1, sampled - idle);
  const ms = (us: number) => Math.round(us / 100) / 10;
  const pct = (us: number) => Math.round((1000 * us) / busy) / 10;
  return {
    file,
    windowed: !!inWindow,
    sampledMs: ms(sampled),
    idleMs: ms(idle),
    gcMs: ms(gc),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.selfUs - a.selfUs)
      .slice(0, top)
      .map((f) => ({ function: f.function, where: f.where, selfMs: ms(f.selfUs), percentOfBusy: pct(f.selfUs) })),
    topInclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top * 2)
      .map((f) => ({ function: f.function, where: f.where, totalMs: ms(f.us), percentOfBusy: pct(f.us) })),
    topModules: [...modules.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, selfMs: ms(us), percentOfBusy: pct(us) })),
  };
}

function shorten(url: string): string {
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + "/node_modules/".length);
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, "");
}

function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native/V8)";
  if (url.startsWith("node:")) return "node: internals";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "/node_modules/".length).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf("/dist/");
  return dist >= 0 ? url.slice(dist + "/dist/".length) : url;
}
