/**
 * Emits the SDL of the code-first schema to schema/schema.graphql (`npm run schema`), or
 * with --check fails when the committed file differs from what the code builds
 * (`npm run schema:check`, run by CI), so the published contract can never drift. It is the
 * public API (what clients and codegen compile against); the Federation subgraph SDL, with
 * `@link` and `@key`, is what the running gateway answers to `_service { sdl }`.
 */
import "reflect-metadata";
import { lexicographicSortSchema, printSchema } from "graphql";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildApiSchema } from "../src/graphql/schema.js";

const target = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));
const header = "# Generated from the code by `npm run schema`; do not edit. CI fails when it is stale.\n\n";

const sdl = header + printSchema(lexicographicSortSchema(await buildApiSchema())) + "\n";
if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== sdl) {
    console.error("schema/schema.graphql is stale: run `npm run schema` and commit the result.");
    process.exit(1);
  }
  console.log("schema/schema.graphql is up to date.");
} else {
  await writeFile(target, sdl);
  console.log(`wrote ${target}`);
}
