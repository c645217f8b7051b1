import { createRequire } from "node:module";
import ts from "typescript";
import { defineConfig, type Plugin } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * type-graphql reads decorator metadata, which Vite's own TypeScript transform (oxc) does not
 * emit. TypeScript's transpileModule does, per file, with the project's decorator settings;
 * it needs no native binary (the registry here has @swc/core for Linux only, which leaves
 * npm ci unable to trust a lockfile that lists swc's other platforms).
 */
function typescriptWithDecoratorMetadata(): Plugin {
  return {
    name: "typescript-decorator-metadata",
    enforce: "pre",
    transform(code, id) {
      if (!id.endsWith(".ts") || id.includes("/node_modules/")) return null;
      const output = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          useDefineForClassFields: false,
          sourceMap: true,
          inlineSources: true,
        },
      });
      return { code: output.outputText, map: output.sourceMapText };
    },
  };
}

export default defineConfig({
  plugins: [typescriptWithDecoratorMetadata()],
  oxc: false,
  resolve: {
    // One graphql instance for ESM and CJS importers (@apollo/subgraph is CJS), or
    // graphql throws "Cannot use GraphQLSchema from another module or realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // The fuzz suite is part of every run with a modest case count; `npm run test:fuzz`
    // runs it alone and larger (FUZZ=1: 300 cases per seed unless FUZZ_CASES says otherwise).
    include: process.env.FUZZ ? ["test/fuzz/**/*.test.ts"] : ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
