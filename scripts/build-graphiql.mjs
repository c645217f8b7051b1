/**
 * Bundles GraphiQL (web/graphiql/, the npm packages graphiql, react, react-dom,
 * @graphiql/toolkit and graphql-ws) with esbuild into dist/graphiql/: index.html plus one
 * content-hashed JS and one CSS file. The gateway serves that folder at /graphiql, so the
 * page loads nothing from anywhere else (no CDN, no web fonts: GraphiQL's CSS inlines its
 * fonts). Part of `npm run build`; skipped when nothing it depends on changed (--force
 * rebuilds anyway).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = join(root, "web", "graphiql");
const target = join(root, "dist", "graphiql");
const stampFile = join(target, ".build-stamp");

// What the bundle depends on: its sources, the locked dependency versions, this script.
const inputs = [
  ...readdirSync(source)
    .sort()
    .map((name) => join(source, name)),
  join(root, "package-lock.json"),
  fileURLToPath(import.meta.url),
];
const stamp = createHash("sha256");
for (const file of inputs) stamp.update(file).update(readFileSync(file));
const digest = stamp.digest("hex");

if (!process.argv.includes("--force") && existsSync(join(target, "index.html")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) {
  process.exit(0);
}

// Built next to the target and moved in at the end, so a concurrent reader never sees half a bundle.
const staging = `${target}.${process.pid}.tmp`;
await rm(staging, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { graphiql: join(source, "main.jsx") },
  entryNames: "[name]-[hash]",
  outdir: staging,
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: ["es2020"],
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  // Any asset a stylesheet refers to is inlined; GraphiQL's are data: URLs already.
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".svg": "dataurl", ".png": "dataurl" },
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((file) => file.slice(file.lastIndexOf("/") + 1));
const js = outputs.find((file) => file.endsWith(".js"));
const css = outputs.find((file) => file.endsWith(".css"));
if (!js || !css) throw new Error(`esbuild produced no JS or CSS: ${outputs.join(", ")}`);

// The offline promise, checked: the stylesheet may not pull anything (web fonts, images) from
// another host. (The browser test also watches every request the page makes.)
const stylesheet = await readFile(join(staging, css), "utf8");
const remote = [...stylesheet.matchAll(/@import[^;]*|url\(\s*["']?(?!data:)[^)]*\)/g)].map((match) => match[0]);
if (remote.length > 0) throw new Error(`the GraphiQL stylesheet refers to outside resources: ${remote.slice(0, 5).join(", ")}`);

await writeFile(
  join(staging, "index.html"),
  `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL · Fingerprint Gateway</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="./${css}" />
    <style>
      body { margin: 0; height: 100vh; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="./${js}"></script>
  </body>
</html>
`,
);
await writeFile(join(staging, ".build-stamp"), digest);

await mkdir(dirname(target), { recursive: true });
await rm(target, { recursive: true, force: true });
await rename(staging, target);
console.log(`graphiql: built dist/graphiql (${js}, ${css})`);
