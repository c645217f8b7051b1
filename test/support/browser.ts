/**
 * A real browser for the GraphiQL tests: Debian's chromium (/usr/bin/chromium, installed by
 * .ci/run when missing) driven by playwright-core, which downloads nothing. Each launch gets
 * a fresh profile directory, removed on close.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { describe, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(root, "test-artifacts");

/** Bundles GraphiQL into dist/graphiql (a no-op when it is up to date). */
export function buildGraphiql(): void {
  const result = spawnSync(process.execPath, ["scripts/build-graphiql.mjs"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`GraphiQL build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Whether the browser suites can run; in CI a missing chromium is a failing test, never a skip. */
export function browserAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) {
    describe(suite, () => {
      it("needs chromium", () => {
        throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
      });
    });
  } else {
    console.log(`${suite} skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  }
  return false;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "fg-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
