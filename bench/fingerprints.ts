/**
 * Fingerprint engine bench (issue #13): per model and transform, recall, precision, segment
 * error and throughput of the emulator's engines, on corpora generated from a seed (nothing
 * is downloaded). Models come from bench/fingerprints/models.ts; a kind adds its own module.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/fingerprints.js [model ...]
 *
 * For each model: a library of BENCH_FP_LIBRARY items (default: the model's, else 1,000) is
 * fingerprinted through the engine's worker pool and indexed; then for each transform,
 * BENCH_FP_QUERIES copies of evenly spaced library items are searched at the default threshold
 * 0.8, and as many unrelated items (another seed) are searched too.
 * - recall: copies whose top match is the original's key;
 * - precision: right-key top matches / every match returned (copies' and unrelated queries');
 * - segment error: characters (seconds) wrongly in or out / true length, worse side (score.ts);
 * - throughput: media units fingerprinted per CPU second of the whole process (all threads),
 *   and index searches per CPU second (and per wall second) against the full library.
 * Writes bench/results/fingerprints.json (or BENCH_OUT). A watchdog ends a run after 30 min.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { Fingerprint, FingerprintEngine, FingerprintMatch } from "../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine, defaultWorkerCount } from "../src/emulator/fingerprint/engine.js";
import type { BenchCopy, BenchItem, BenchModel } from "./fingerprints/model.js";
import { benchModels } from "./fingerprints/models.js";
import { seededRng } from "./fingerprints/rng.js";
import { segmentError } from "./fingerprints/score.js";

const envInt = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const QUERIES = envInt("BENCH_FP_QUERIES", 100);
const SEED = envInt("BENCH_FP_SEED", 13);
const WORKERS = envInt("BENCH_FP_WORKERS", defaultWorkerCount());
const THRESHOLD = 0.8;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = process.env.BENCH_OUT ?? join(ROOT, "bench", "results", "fingerprints.json");

const log = (line: string) => console.log(`[fp-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
};
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

interface TransformRow {
  model: string;
  transform: string;
  queries: number;
  recall: number;
  precision: number;
  wrongMatches: number;
  copySimilarityMin: number;
  copySimilarityP5: number;
  segmentErrorMean?: number;
  segmentErrorP95?: number;
  segmentErrorMax?: number;
  segmentsWithin5pct?: number;
}

interface ModelRow {
  model: string;
  kind: string;
  librarySize: number;
  unit: string;
  unitsFingerprinted: number;
  fingerprintCpuSeconds: number;
  fingerprintWallSeconds: number;
  unitsPerCpuSecond: number;
  indexAddMsPerItem: number;
  searchesPerSecond: number;
  searchesPerCpuSecond: number;
  unrelatedQueries: number;
  unrelatedMatches: number;
  unrelatedTopSimilarityMax: number;
  transforms: TransformRow[];
}

async function fingerprintAll(engine: FingerprintEngine, model: BenchModel, items: BenchItem[]): Promise<Fingerprint[]> {
  return Promise.all(items.map((item) => engine.fingerprint(model.kind, item.bytes)));
}

async function runModel(engine: FingerprintEngine, model: BenchModel): Promise<ModelRow> {
  const size = envInt("BENCH_FP_LIBRARY", model.librarySize ?? 1000);
  log(`${model.name}: generating ${size} items`);
  const library = await model.corpus(size, SEED, `${model.name}-`);

  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  const prints = await fingerprintAll(engine, model, library);
  const fingerprintCpuSeconds = cpuSeconds() - cpu0;
  const fingerprintWallSeconds = (performance.now() - wall0) / 1000;
  const unitsFingerprinted = library.reduce((sum, item) => sum + item.length, 0);
  log(`${model.name}: fingerprinted ${unitsFingerprinted} ${model.unit} in ${r3(fingerprintCpuSeconds)} CPU s (${r3(fingerprintWallSeconds)} s wall)`);

  const index = engine.createIndex(model.kind);
  const add0 = performance.now();
  library.forEach((item, n) => index.add(item.key, prints[n]));
  const indexAddMsPerItem = (performance.now() - add0) / library.length;

  // Searches run on this thread while the workers idle, so the process's CPU time is theirs;
  // on a shared machine it is a steadier measure than the wall clock.
  let searchCount = 0;
  let searchMs = 0;
  let searchCpu = 0;
  const search = (fp: Fingerprint): FingerprintMatch[] => {
    const cpu = cpuSeconds();
    const t0 = performance.now();
    const matches = index.search(fp, { threshold: THRESHOLD });
    searchMs += performance.now() - t0;
    searchCpu += cpuSeconds() - cpu;
    searchCount++;
    return matches;
  };

  const unrelated = await model.corpus(QUERIES, SEED + 1000, `${model.name}-unrelated-`);
  const unrelatedPrints = await fingerprintAll(engine, model, unrelated);
  let unrelatedMatches = 0;
  let unrelatedTop = 0;
  for (const fp of unrelatedPrints) {
    unrelatedMatches += search(fp).length;
    unrelatedTop = Math.max(unrelatedTop, index.search(fp, { threshold: 0, limit: 1 })[0]?.similarity ?? 0);
  }

  const transforms: TransformRow[] = [];
  for (const [t, transform] of model.transforms.entries()) {
    const rng = seededRng(SEED * 31 + t);
    const sources = Array.from({ length: Math.min(QUERIES, library.length) }, (_, q) => library[Math.floor((q * library.length) / Math.min(QUERIES, library.length))]);
    const copies: BenchCopy[] = [];
    for (const item of sources) copies.push(await transform.apply(item, rng));
    const copyPrints = await Promise.all(copies.map((copy) => engine.fingerprint(model.kind, copy.bytes)));
    let found = 0;
    let wrong = 0;
    const errors: number[] = [];
    const similarities: number[] = [];
    copyPrints.forEach((fp, q) => {
      const matches = search(fp);
      const right = matches.find((m) => m.primaryKey === sources[q].key);
      similarities.push(right?.similarity ?? index.search(fp, { threshold: 0 }).find((m) => m.primaryKey === sources[q].key)?.similarity ?? 0);
      wrong += matches.filter((m) => m.primaryKey !== sources[q].key).length;
      if (matches[0]?.primaryKey !== sources[q].key) return;
      found++;
      const truth = copies[q].truth;
      if (truth && truth.length > 0) errors.push(segmentError(matches[0].segments, truth));
    });
    const row: TransformRow = {
      model: model.name,
      transform: transform.name,
      queries: sources.length,
      recall: r3(found / sources.length),
      precision: r3(found / Math.max(1, found + wrong + unrelatedMatches)),
      wrongMatches: wrong,
      copySimilarityMin: r3(Math.min(...similarities)),
      copySimilarityP5: r3(quantile(similarities, 0.05)),
    };
    if (errors.length > 0) {
      row.segmentErrorMean = r3(errors.reduce((a, b) => a + b, 0) / errors.length);
      row.segmentErrorP95 = r3(quantile(errors, 0.95));
      row.segmentErrorMax = r3(Math.max(...errors));
      row.segmentsWithin5pct = r3(errors.filter((e) => e <= 0.05).length / errors.length);
    }
    transforms.push(row);
    log(`${model.name} / ${transform.name}: recall ${row.recall}, precision ${row.precision}${row.segmentErrorMean === undefined ? "" : `, segment error mean ${row.segmentErrorMean} max ${row.segmentErrorMax}`}`);
  }

  return {
    model: model.name,
    kind: model.kind,
    librarySize: library.length,
    unit: model.unit,
    unitsFingerprinted,
    fingerprintCpuSeconds: r3(fingerprintCpuSeconds),
    fingerprintWallSeconds: r3(fingerprintWallSeconds),
    unitsPerCpuSecond: Math.round(unitsFingerprinted / fingerprintCpuSeconds),
    indexAddMsPerItem: r3(indexAddMsPerItem),
    searchesPerSecond: Math.round(searchCount / (searchMs / 1000)),
    searchesPerCpuSecond: Math.round(searchCount / searchCpu),
    unrelatedQueries: unrelated.length,
    unrelatedMatches,
    unrelatedTopSimilarityMax: r3(unrelatedTop),
    transforms,
  };
}

function table(rows: ModelRow[]): string {
  const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "-" : String(x));
  const lines = [
    "| model | transform | recall | precision | copy sim p5 / min | segment error mean / p95 / max | within 5% |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const m of rows) {
    for (const t of m.transforms) {
      lines.push(`| ${m.model} | ${t.transform} | ${t.recall} | ${t.precision} | ${t.copySimilarityP5} / ${t.copySimilarityMin} | ${fmt(t.segmentErrorMean)} / ${fmt(t.segmentErrorP95)} / ${fmt(t.segmentErrorMax)} | ${fmt(t.segmentsWithin5pct)} |`);
    }
  }
  lines.push("", "| model | library | fingerprint throughput | searches per CPU s (wall) | unrelated matches | top unrelated similarity |", "|---|---|---|---|---|---|");
  for (const m of rows) {
    lines.push(`| ${m.model} | ${m.librarySize} | ${m.unitsPerCpuSecond} ${m.unit}/CPU s | ${m.searchesPerCpuSecond} (${m.searchesPerSecond}) | ${m.unrelatedMatches} of ${m.unrelatedQueries} queries | ${m.unrelatedTopSimilarityMax} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error("fp-bench: watchdog: still running after 30 minutes, giving up");
    process.exit(2);
  }, 30 * 60_000);
  watchdog.unref();
  const wanted = process.argv.slice(2);
  const models = (await benchModels()).filter((m) => wanted.length === 0 || wanted.includes(m.name));
  if (models.length === 0) throw new Error(`No bench model named ${wanted.join(", ")}.`);
  const engine = createFingerprintEngine({ workers: WORKERS });
  const rows: ModelRow[] = [];
  try {
    for (const model of models) rows.push(await runModel(engine, model));
  } finally {
    await engine.close();
  }
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, workers: WORKERS, loadAverage1m: r3(loadavg()[0]) };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), machine, threshold: THRESHOLD, queries: QUERIES, seed: SEED, models: rows }, null, 2)}\n`);
  console.log(`\n${table(rows)}\n\nmachine: ${JSON.stringify(machine)}\nwrote ${OUT}`);
  const failed = rows.flatMap((m) => m.transforms).filter((t) => t.recall < 0.95 || t.precision < 0.95 || (t.segmentsWithin5pct ?? 1) < 0.95);
  if (failed.length > 0) {
    console.log(`below target (recall, precision or segments within 5% < 0.95): ${failed.map((t) => `${t.model}/${t.transform}`).join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
