/**
 * Module hooks for worker threads started from TypeScript sources (under vitest, which
 * transforms the test's own thread but not the threads it starts). Registered by the worker
 * bootstrap in worker-script.ts only when no compiled worker.js sits next to worker.ts.
 *
 * - resolve: a relative `./x.js` imported from a .ts file resolves to `./x.ts` when x.js does
 *   not exist (the NodeNext convention the sources follow).
 * - load: .ts files are transpiled one at a time with TypeScript's transpileModule, as the
 *   vitest config does; no type check, no decorator metadata needed by the engines.
 *
 * Plain JavaScript on purpose: it must run before anything can transpile TypeScript.
 */
import { readFile } from "node:fs/promises";
import ts from "typescript";

export async function resolve(specifier, context, nextResolve) {
  const fromTs = context.parentURL?.endsWith(".ts");
  if (fromTs && specifier.startsWith(".") && specifier.endsWith(".js")) {
    try {
      return await nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const source = await readFile(new URL(url), "utf8");
  const output = ts.transpileModule(source, {
    fileName: new URL(url).pathname,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      useDefineForClassFields: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  return { format: "module", source: output.outputText, shortCircuit: true };
}
