/**
 * How to start a fingerprint worker thread, from compiled JavaScript or from TypeScript sources.
 *
 * - From dist/ (`tsc` output, `node dist/...`): worker.js sits next to this file; the worker
 *   runs it directly.
 * - From sources (vitest transforms the test's thread only; a worker thread it starts gets
 *   plain Node, which cannot load .ts): the worker runs a tiny bootstrap that registers
 *   typescript-hooks.mjs (transpileModule per file, as vitest.config.ts does) and then imports
 *   worker.ts. The tests thus exercise real worker threads, the same code path as production
 *   but for the loader; no in-thread fallback exists that could hide a worker bug.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WorkerOptions } from "node:worker_threads";

export interface WorkerScript {
  filename: string | URL;
  options: WorkerOptions;
}

const compiled = new URL("./worker.js", import.meta.url);
const source = new URL("./worker.ts", import.meta.url);
const hooks = new URL("./typescript-hooks.mjs", import.meta.url);

/** CommonJS on purpose: `eval` workers run scripts, and `require`/`import()` both work there. */
const BOOTSTRAP = `
const { register } = require("node:module");
const { workerData } = require("node:worker_threads");
register(workerData.hooks);
import(workerData.entry).catch((error) => { setImmediate(() => { throw error; }); });
`;

export function workerScript(): WorkerScript {
  if (existsSync(fileURLToPath(compiled))) return { filename: compiled, options: {} };
  if (existsSync(fileURLToPath(source))) {
    return { filename: BOOTSTRAP, options: { eval: true, workerData: { hooks: hooks.href, entry: source.href } } };
  }
  throw new Error(`No fingerprint worker next to ${fileURLToPath(import.meta.url)}: expected worker.js (built) or worker.ts (sources).`);
}
