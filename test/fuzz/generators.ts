/**
 * Seeded generators for the fuzz suites: a small PRNG (mulberry32, so a seed reproduces a
 * run exactly), token-level mutations of the shipped operations, hostile variables, bodies,
 * content types, query strings and graphql-ws messages. Nothing here talks to the network.
 */
import { print } from "graphql";
import * as operations from "../../src/client/generated/operations.js";
import { Random } from "../../bench/lib/seeded-random.js";

export { Random };


/** The shipped operations (operations/*.graphql, with their fragments), as clients send them. */
export const SHIPPED: Array<{ name: string; query: string; kind: "query" | "mutation" | "subscription" }> = Object.entries(operations)
  .filter(([name, value]) => name.endsWith("Document") && typeof value === "object" && value !== null && "kind" in value)
  .map(([name, document]) => {
    const query = print(document as Parameters<typeof print>[0]);
    const kind = /^\s*(mutation|subscription)/.exec(query)?.[1] as "mutation" | "subscription" | undefined;
    return { name: name.replace(/Document$/, ""), query, kind: kind ?? "query" };
  });

const TOKEN = /\.\.\.|"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*|[!$&()[\]{}:=@|]|#[^\n]*|\s+|./g;

export function tokenize(query: string): string[] {
  return query.match(TOKEN) ?? [];
}

/** Characters that are troublesome for lexers, JSON, terminals and logs (never the word the leak check looks for). */
const NASTY = ["\u0000", "\u0001", "\u001b[31m", "\ud800", "\udfff", "\u2028", "\u2029", "\ufeff", "\\", '"', "'", "`", "{", "}", "(", ")", "[", "]", "$", "@", "#", "...", "\n", "\r\n", "\t", "é", "漢字", "🙂", "%", "%00", "%ZZ", "&", "=", "+", "<script>", "${x}", "__proto__", "constructor", "NaN", "-0", "1e309", "0x1F"];

export function randomText(rng: Random, max = 20): string {
  let text = "";
  const length = rng.int(0, max);
  for (let i = 0; i < length; i++) {
    text += rng.chance(0.4) ? rng.pick(NASTY) : String.fromCharCode(rng.int(0x20, 0x7e));
  }
  return text;
}

export function randomIdentifier(rng: Random): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
  let name = rng.pick([...letters]);
  for (let i = rng.int(0, 12); i > 0; i--) name += rng.pick([...letters, ..."0123456789"]);
  return name;
}

/** One token-level mutation of a document. */
export function mutateDocument(rng: Random, query: string): { query: string; how: string } {
  const tokens = tokenize(query);
  const at = () => rng.int(0, Math.max(0, tokens.length - 1));
  const how = rng.pick(["drop", "duplicate", "swap", "shuffle", "insert-chars", "replace-identifier", "truncate", "insert-token", "repeat-selection", "several"] as const);
  switch (how) {
    case "drop":
      for (let n = rng.int(1, 4); n > 0; n--) tokens.splice(at(), 1);
      break;
    case "duplicate": {
      const i = at();
      tokens.splice(i, 0, ...tokens.slice(i, i + rng.int(1, 5)));
      break;
    }
    case "swap": {
      const i = at();
      const j = at();
      [tokens[i], tokens[j]] = [tokens[j], tokens[i]];
      break;
    }
    case "shuffle": {
      const start = at();
      const slice = tokens.slice(start, start + rng.int(2, 12));
      for (let i = slice.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [slice[i], slice[j]] = [slice[j], slice[i]];
      }
      tokens.splice(start, slice.length, ...slice);
      break;
    }
    case "insert-chars":
      tokens.splice(at(), 0, randomText(rng, 8));
      break;
    case "replace-identifier": {
      const ids = tokens.map((t, i) => (/^[_A-Za-z]/.test(t) ? i : -1)).filter((i) => i >= 0);
      if (ids.length) tokens[rng.pick(ids)] = rng.chance(0.5) ? randomIdentifier(rng) : rng.pick(["__typename", "__schema", "node", "id", "query", "fragment", "on", "true", "null", "subscription", "mutation"]);
      break;
    }
    case "truncate":
      tokens.length = at();
      break;
    case "insert-token":
      tokens.splice(at(), 0, rng.pick(["{", "}", "(", ")", "[", "]", ":", "$", "@skip(if: true)", "@include(if: $x)", "...", "...on Query", "!", "=", '"', '"""', "#", "$input", "first: -1", "first: 1e10", "after: \"\"", "id: 12", "\\u{0}"]));
      break;
    case "repeat-selection": {
      // Many aliases of one field: the alias and cost limits, not a crash.
      const field = rng.pick(["fingerprintLibraries { totalCount }", "__typename", "fingerprintLibrary(id: \"x\") { id }"]);
      const count = rng.int(2, 200);
      const body = Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(" ");
      return { query: `query { ${body} }`, how: `repeat-selection x${count}` };
    }
    case "several": {
      let text = query;
      for (let n = rng.int(2, 5); n > 0; n--) text = mutateDocument(rng, text).query;
      return { query: text, how };
    }
  }
  return { query: tokens.join(""), how };
}

/** A hostile value of any JSON type. */
export function weirdValue(rng: Random, depth = 0): unknown {
  const kind = rng.int(0, depth > 3 ? 7 : 10);
  switch (kind) {
    case 0:
      return rng.pick([0, -1, 1.5, 2 ** 31, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 1:
      return randomText(rng, 40);
    case 2:
      return rng.pick([true, false]);
    case 3:
      return null;
    case 4:
      return rng.pick(["VIDEO", "ICE", "MPS", "video", "HOLOGRAM", "", " ", "cn-shanghai", "us-east-9", "Rmlu", "RmluZ2VycHJpbnRMaWJyYXJ5OjE="]);
    case 5:
      return "x".repeat(rng.pick([129, 1_025, 4_097, 65_536]));
    case 6:
      return rng.pick<unknown>([{}, [], [[]], JSON.parse('{"__proto__": {"polluted": true}}'), { constructor: { prototype: { polluted: true } } }]);
    case 7:
      return rng.pick(["1", "-1", "0", "1e3", "NaN", "Infinity", "null", "true"]);
    case 8:
      return Array.from({ length: rng.int(0, 5) }, () => weirdValue(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let n = rng.int(0, 5); n > 0; n--) object[rng.chance(0.5) ? randomIdentifier(rng) : rng.pick(["name", "model", "config", "region", "backend", "idempotencyKey", "description", "id", "first", "after", "filter"])] = weirdValue(rng, depth + 1);
      return object;
    }
  }
}

/** Variables for a shipped operation, plausible or not. */
export function variablesFor(rng: Random, operation: string): Record<string, unknown> {
  const plausible: Record<string, () => Record<string, unknown>> = {
    CreateLibrary: () => ({ input: { name: `fuzz-${rng.int(0, 1e6)}`, model: rng.pick(["VIDEO", "AUDIO", "IMAGE", "TEXT"]), idempotencyKey: rng.chance(0.5) ? `k${rng.int(0, 50)}` : undefined } }),
    DeleteLibrary: () => ({ id: rng.pick(["", "x", "RmluZ2VycHJpbnRMaWJyYXJ5OmFiYw==", randomText(rng)]) }),
    GetLibrary: () => ({ id: rng.pick(["", "x", "RmluZ2VycHJpbnRMaWJyYXJ5OmFiYw==", randomText(rng)]) }),
    RefreshLibrary: () => ({ id: rng.pick(["", "x", randomText(rng)]) }),
    ImportLibrary: () => ({ backend: rng.pick(["ICE", "MPS"]), backendLibraryId: rng.pick(["abc", "0123456789abcdef0123456789abcdef", randomText(rng, 70)]), region: rng.pick([null, "cn-shanghai", "mars-1"]) }),
    ListLibraries: () => ({ first: rng.pick([0, 1, 100, 101, -1, null]), after: rng.pick([null, "", "abc", randomText(rng)]), filter: rng.pick([null, {}, { backend: "ICE" }, { nameContains: "%_" }]) }),
    LibraryActivated: () => ({ filter: rng.pick([null, {}, { model: "VIDEO" }]) }),
    LibraryStatusChanged: () => ({ after: rng.pick([null, "0", "-1", "abc", "99999999999999999999"]) }),
  };
  const base = (plausible[operation] ?? (() => ({})))();
  if (rng.chance(0.3)) return base;
  // Wrong types: numbers for strings, objects for enums, arrays, deep nesting, unknown keys.
  const mutated: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  const target = (mutated.input && typeof mutated.input === "object" ? (mutated.input as Record<string, unknown>) : mutated) as Record<string, unknown>;
  const keys = [...Object.keys(target), "name", "model", "config", "region", "first", "id", randomIdentifier(rng)];
  for (let n = rng.int(1, 3); n > 0; n--) target[rng.pick(keys)] = weirdValue(rng);
  if (rng.chance(0.15)) mutated.input = weirdValue(rng);
  if (rng.chance(0.05)) return deepObject(rng.int(50, 400)) as Record<string, unknown>;
  return mutated;
}

export function deepObject(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** `{ a { a { ... } } }` n levels deep (closed or not). */
export function deepSelection(depth: number, closed = true): string {
  return "query " + "{ a ".repeat(depth) + (closed ? "}".repeat(depth) : "");
}

/** Just under the 1 MiB body limit once wrapped in JSON. */
export const HUGE = 1_048_576 - 4_096;

export const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/json; charset=bogus",
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "multipart/form-data",
  "application/graphql",
  "application/graphql-response+json",
  "application/octet-stream",
  "application/xml",
  "*/*",
  "",
  "json",
  "application/json, text/plain",
  ";;;",
];
