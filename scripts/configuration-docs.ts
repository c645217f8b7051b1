/**
 * Writes docs/configuration.md from the settings schema in src/config.ts (`npm run
 * docs:config`), or with --check fails when the committed file differs (`npm run
 * docs:config:check`, run by CI). Every setting must carry a description (`.describe()`):
 * a setting without one fails both, so the page can neither go stale nor miss a setting.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { EnvSchema } from "../src/config.js";

const target = fileURLToPath(new URL("../../docs/configuration.md", import.meta.url));

type Schema = z.ZodType & { description?: string; minValue?: number | null; maxValue?: number | null; options?: readonly string[] };
type Def = { type: string; innerType?: Schema; defaultValue?: unknown; in?: Schema };

const def = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under default/optional/pipe wrappers: what the value is checked against. */
function core(schema: Schema): Schema {
  const d = def(schema);
  if ((d.type === "default" || d.type === "optional") && d.innerType) return core(d.innerType);
  if (d.type === "pipe" && d.in) return core(d.in);
  return schema;
}

function allowed(schema: Schema): string {
  const inner = core(schema);
  const type = def(inner).type;
  if (type === "enum") return inner.options!.join(", ");
  if (type === "number") {
    const { minValue: min, maxValue: max } = inner;
    return min !== null && min !== undefined && max !== null && max !== undefined ? `${min.toLocaleString("en")} to ${max.toLocaleString("en")}` : "a number";
  }
  return "text";
}

function defaultOf(schema: Schema): string {
  const d = def(schema);
  if (d.type !== "default") return "unset";
  const value = typeof d.defaultValue === "function" ? (d.defaultValue as () => unknown)() : d.defaultValue;
  if (Array.isArray(value)) return `\`${value.join(",")}\``;
  if (typeof value === "number") return `\`${value}\``;
  return `\`${String(value)}\``;
}

const missing: string[] = [];
const rows = Object.entries(EnvSchema.shape as Record<string, Schema>).map(([name, schema]) => {
  const description = schema.description ?? core(schema).description;
  if (!description) missing.push(name);
  return `| \`${name}\` | ${defaultOf(schema)} | ${allowed(schema)} | ${(description ?? "").replaceAll("|", "\\|")} |`;
});
if (missing.length > 0) {
  console.error(`These settings in src/config.ts have no .describe(): ${missing.join(", ")}. Describe them, then run npm run docs:config.`);
  process.exit(1);
}

const page = `# Configuration

<!-- Generated from src/config.ts by \`npm run docs:config\`; do not edit. CI fails when it is stale. -->

Every setting is an environment variable, read and validated once at start-up
(\`src/config.ts\`). A bad value stops start-up with a message that names it; secrets and URLs
are never echoed. Booleans take true/false, 1/0 or yes/no.

| variable | default | allowed | meaning |
|---|---|---|---|
${rows.join("\n")}
`;

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== page) {
    console.error("docs/configuration.md is stale: run `npm run docs:config` and commit the result.");
    process.exit(1);
  }
  console.log("docs/configuration.md is up to date.");
} else {
  await writeFile(target, page);
  console.log(`wrote ${target}`);
}
