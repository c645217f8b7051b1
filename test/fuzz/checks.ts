/** What every fuzzed answer must satisfy, as a list of problems (empty when it is fine). */
import { ERROR_CODES } from "../../src/domain/errors.js";

/** A JavaScript stack frame: "at fn (/path/file.js:12:3)", "at file:///x.mjs:1:2", "at node:internal/...". */
const STACK_FRAME = /\bat\s+(?:[^\s()]+\s+)?\(?(?:file:\/\/|\/|[A-Za-z]:\\|node:)[^\s)]*:\d+/;
const SOURCE_PATH = /(?:\/work\/main|node_modules\/|\/src\/[\w/.-]+\.(?:ts|js)\b|\bdist\/src\/)/;

export function leakProblems(body: string, request: string): string[] {
  const problems: string[] = [];
  // Only what the gateway added counts: a request may carry any text, and errors may quote it.
  if (STACK_FRAME.test(body) && !STACK_FRAME.test(request)) problems.push(`stack frame in the answer: ${excerpt(body, STACK_FRAME)}`);
  if (SOURCE_PATH.test(body) && !SOURCE_PATH.test(request)) problems.push(`source path in the answer: ${excerpt(body, SOURCE_PATH)}`);
  if (/prisma/i.test(body) && !/prisma/i.test(request)) problems.push(`"prisma" in the answer: ${excerpt(body, /prisma/i)}`);
  return problems;
}

export interface GraphQLErrorShape {
  message?: unknown;
  extensions?: { code?: unknown; reason?: unknown } & Record<string, unknown>;
}

const APQ_CODES = ["PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"];

/** Every error has one of the contract's codes and a message; an unexpected failure (reason INTERNAL) is a bug. */
export function errorProblems(errors: unknown): string[] {
  if (errors === undefined) return [];
  if (!Array.isArray(errors)) return [`"errors" is not a list: ${JSON.stringify(errors).slice(0, 200)}`];
  const problems: string[] = [];
  for (const error of errors as GraphQLErrorShape[]) {
    const code = error?.extensions?.code;
    // The persisted-query protocol's own codes are kept as they are: clients match on them.
    if (typeof code !== "string" || !([...ERROR_CODES, ...APQ_CODES] as readonly string[]).includes(code)) {
      problems.push(`error code ${JSON.stringify(code)} is not in the contract: ${JSON.stringify(error).slice(0, 300)}`);
    }
    if (typeof error?.message !== "string" || error.message.trim() === "") problems.push(`error without a message: ${JSON.stringify(error).slice(0, 300)}`);
    if (error?.extensions?.reason === "INTERNAL") problems.push(`unexpected failure inside the gateway (reason INTERNAL): ${String(error.message).slice(0, 200)}`);
  }
  return problems;
}

/** Checks one HTTP answer. */
export function httpProblems(status: number, body: string, contentType: string | null, request: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  problems.push(...leakProblems(body, request));
  if (contentType?.includes("json") && body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      problems.push(`content-type ${contentType} but the body is not JSON: ${body.slice(0, 200)}`);
    }
    if (parsed && typeof parsed === "object" && "errors" in parsed) problems.push(...errorProblems((parsed as { errors: unknown }).errors));
  }
  return problems;
}

function excerpt(text: string, pattern: RegExp): string {
  const at = text.search(pattern);
  return JSON.stringify(text.slice(Math.max(0, at - 80), at + 120));
}
