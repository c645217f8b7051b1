/**
 * GraphiQL as a person uses it: the landing page, the bundle the gateway serves, and a real
 * browser (Debian's chromium) running the example operations, a subscription over graphql-ws,
 * all without one request leaving the gateway's origin. The gateway runs as `npm start` runs
 * it (embedded mode: its own emulator, with the emulator's default speeds), so the job
 * examples' media goes in with the real media:put script.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startGateway, type RunningGateway } from "../../src/server/gateway.js";
import { ARTIFACTS, browserAvailable, buildGraphiql, launchBrowser, type Browser } from "../support/browser.js";
import { eventually } from "../support/gateway-harness.js";
import { buildGateway } from "../support/gateway-process.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let h: { gateway: RunningGateway };
let dir: string;
beforeAll(async () => {
  buildGraphiql();
  buildGateway(); // dist/scripts/media-put.js, which the job examples run
  dir = mkdtempSync(join(tmpdir(), "graphiql-usage-"));
  // No cloud credentials: embedded mode, as `npm start` on a fresh clone. New libraries turn
  // ACTIVE after a few seconds and jobs take seconds, as the emulator's defaults say, so the
  // examples' "wait" is real (the watchers notice).
  const gateway = await startGateway(loadConfig({ PORT: "0", DATABASE_URL: `file:${join(dir, "gateway.db")}`, RECONCILE_AT_STARTUP: "false" }), {
    logger: pino({ level: "silent" }),
  });
  h = { gateway };
}, 120_000);
afterAll(async () => {
  await h?.gateway.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm run media:put -- <args>` typed in the project folder: the built script, with npm's INIT_CWD. */
function mediaPut(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["dist/scripts/media-put.js", ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", INIT_CWD: root, GATEWAY_URL: h.gateway.url },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the browser pages over HTTP", () => {
  it("answers GET / with a landing page that links GraphiQL, health, readiness and metrics", async () => {
    const response = await fetch(`${h.gateway.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("Fingerprint Gateway");
    for (const link of ["graphiql/", "healthz", "readyz", "metrics"]) expect(html).toContain(`href="${link}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expectPageSecurityHeaders(response);
  });

  it("serves GraphiQL under /graphiql/, with relative asset URLs and long-lived caching for hashed assets", async () => {
    const bare = await fetch(`${h.gateway.url}/graphiql?x=1`, { redirect: "manual" });
    expect(bare.status).toBe(301);
    expect(bare.headers.get("location")).toBe("graphiql/?x=1");

    const page = await fetch(`${h.gateway.url}/graphiql/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expectPageSecurityHeaders(page);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const response = await fetch(`${h.gateway.url}/graphiql/${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      if (asset.endsWith(".css")) expect(await response.text()).not.toMatch(/@import|url\(\s*["']?(?!data:)/);
      else await response.arrayBuffer();
    }
    expect((await fetch(`${h.gateway.url}/graphiql/.build-stamp`)).status).toBe(404);
  });

  it("sends a browser that opens /graphql to GraphiQL, and leaves API requests alone", async () => {
    const browserGet = await fetch(h.gateway.graphqlUrl, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" }, redirect: "manual" });
    expect(browserGet.status).toBe(302);
    expect(browserGet.headers.get("location")).toBe("graphiql/");
    // A shared link keeps its operation (and nothing else) for GraphiQL's editor.
    const shared = await fetch(`${h.gateway.graphqlUrl}?query=${encodeURIComponent("{ a }")}&variables=%7B%7D&token=x`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(shared.status).toBe(302);
    expect(shared.headers.get("location")).toBe("graphiql/?query=%7B+a+%7D&variables=%7B%7D");
    const apiGet = await fetch(`${h.gateway.graphqlUrl}?query=${encodeURIComponent("{ fingerprintLibraries { totalCount } }")}`, {
      headers: { accept: "application/json", "apollo-require-preflight": "true" },
    });
    expect(await apiGet.json()).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
  });
});

/** What a browser needs to refuse framing, sniffing and anything not from the gateway. */
function expectPageSecurityHeaders(response: Response): void {
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
}

if (browserAvailable("GraphiQL in chromium")) {
  describe("GraphiQL in chromium", () => {
    let browser: Browser;
    let page: Page;
    const requests: Array<{ url: string; method: string; authorization?: string }> = [];
    const webSockets: string[] = [];
    const pageErrors: string[] = [];
    const cspViolations: string[] = [];

    /** Every page's requests, sockets, errors and policy violations, for the last test. */
    const watch = (watched: Page) => {
      watched.on("request", (request) => requests.push({ url: request.url(), method: request.method(), authorization: request.headers()["authorization"] }));
      watched.on("websocket", (socket) => webSockets.push(socket.url()));
      watched.on("pageerror", (error) => pageErrors.push(error.message));
      // Chromium reports each Content Security Policy violation on the console.
      watched.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
      });
    };

    beforeAll(async () => {
      browser = await launchBrowser();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      watch(page);
      await browser.context.addInitScript(() => {
        // Runs in the page: the DOM's `document`, which this Node project's types do not declare.
        const page = (globalThis as unknown as { document: { addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void } }).document;
        page.addEventListener("securitypolicyviolation", (event) => console.error(`Refused to load (CSP ${event.violatedDirective}): ${event.blockedURI}`));
      });
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(() => browser?.close());

    const editor = (selector: string) => page.locator(`${selector} .CodeMirror`).first();
    const editorText = (selector: string) => editor(selector).evaluate((element: any) => String(element.CodeMirror.getValue()));
    const responseText = () => editorText(".graphiql-response");
    // GraphiQL re-reads the operation name 100 ms after the editor changes (debounced); a
    // person never runs an operation that soon after switching tabs, and neither does this.
    const humanPause = () => page.waitForTimeout(300);
    const openTab = async (name: string) => {
      await page.locator(".graphiql-tab-button", { hasText: name }).click();
      await humanPause();
    };
    const visibleTool = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
    /** Libraries the create example made, oldest first. */
    const created: string[] = [];
    const expectInstructions = async (words: string) => expect(await editorText(".graphiql-query-editor")).toContain(words);
    /** Changes the operation in the editor, as a person typing would. */
    const editQuery = async (change: (text: string) => string) => {
      const before = await editorText(".graphiql-query-editor");
      const after = change(before);
      expect(after).not.toBe(before);
      await editor(".graphiql-query-editor").evaluate((element: any, text: string) => element.CodeMirror.setValue(text), after);
      await humanPause();
      await editor(".graphiql-query-editor").click();
    };
    /** Runs the operation (`start` presses the key or the button) and answers its new response. */
    const run = async (start: () => Promise<void>): Promise<any> => {
      const before = await responseText();
      await start();
      return eventually(async () => {
        const shown = await responseText();
        if (shown === before || !shown.trim()) return null;
        try {
          return JSON.parse(shown);
        } catch {
          return null;
        }
      }, 15_000).catch(async (error) => {
        throw new Error(`no new response; the response pane shows:\n${await responseText()}\n(${error.message})`);
      });
    };
    const waitForResponse = (contains: string, timeoutMs = 15_000) =>
      eventually(async () => (await responseText()).includes(contains), timeoutMs, 100).catch(async (error) => {
        throw new Error(`the response pane never showed ${contains}; it shows:\n${await responseText()}\n(${error.message})`);
      });

    /** Puts the variables in the Variables editor (shown since the first test), as a person typing would. */
    const setVariables = async (variables: unknown) => {
      await editor(visibleTool).evaluate((element: any, text: string) => element.CodeMirror.setValue(text), JSON.stringify(variables, null, 2));
      await humanPause();
    };
    const variablesText = () => editorText(visibleTool);
    /**
     * Runs the tab's operation again and again (a second apart, as a person re-running it
     * would) until its answer passes `done`. A re-run may answer the same text, so this reads
     * the pane after a pause instead of waiting for a change; `done` checks ids, so a stale
     * pane never passes.
     */
    const runUntil = async (done: (answer: any) => boolean, timeoutMs: number): Promise<any> => {
      const deadline = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < deadline) {
        await page.locator(".graphiql-execute-button").click();
        await page.waitForTimeout(1_000);
        last = await responseText();
        try {
          const answer = JSON.parse(last);
          if (done(answer)) return answer;
        } catch {
          // not a whole answer yet
        }
      }
      throw new Error(`no answer passed within ${timeoutMs} ms; the response pane shows:\n${last}`);
    };

    it("opens with the example operations and an Authorization hint in the headers editor", { timeout: 60_000 }, async () => {
      // The bare path: GraphiQL must work after the redirect to /graphiql/.
      await page.goto(`${h.gateway.url}/graphiql`);
      await editor(".graphiql-query-editor").waitFor({ timeout: 30_000 });
      expect(page.url()).toBe(`${h.gateway.url}/graphiql/`);
      expect(await page.locator(".graphiql-tab-button").allTextContents()).toEqual([
        "CreateLibrary",
        "ListLibraries",
        "LibraryActivated",
        "CreateTextLibrary",
        "SaveMedia",
        "SearchMedia",
        "FingerprintJob",
        "SearchDuplicates",
        "DuplicateSearch",
        "LibraryFiles",
        "DeleteFiles",
        "JobFinished",
      ]);
      expect(await editorText(".graphiql-query-editor")).toContain("mutation CreateLibrary {");
      await page.locator(".graphiql-editor-tools button", { hasText: "Headers" }).click();
      expect(JSON.parse(await editorText(visibleTool))).toEqual({ Authorization: "Bearer <your key>" });
      await page.locator(".graphiql-editor-tools button", { hasText: "Variables" }).click();
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-open.png") });
    });

    // Each example below is tried by doing what its own comment lines say, quoted here: if
    // the words change, these steps must change with them.
    it("CreateLibrary: each run creates a new library; with an idempotencyKey every run answers the same one", { timeout: 90_000 }, async () => {
      await openTab("CreateLibrary");
      await expectInstructions(
        "# Each run creates a new library. To make a retry safe,\n# remove the # before idempotencyKey and pick a new key:\n# every run with that key answers the same library, with\n# replayed: true. Ctrl-Enter runs it",
      );
      // "Ctrl-Enter runs it" (in the editor), twice: two libraries.
      await editor(".graphiql-query-editor").click();
      const first = await run(() => page.keyboard.press("Control+Enter"));
      const second = await run(() => page.keyboard.press("Control+Enter"));
      for (const answer of [first, second]) {
        expect(answer.data.createFingerprintLibrary).toMatchObject({
          replayed: false,
          routing: { backend: "ICE", reason: "MODEL_ROUTE" },
          library: { name: "trailers", model: "VIDEO", backend: "ICE", status: "OFFLINE" },
        });
      }
      expect(second.data.createFingerprintLibrary.library.id).not.toBe(first.data.createFingerprintLibrary.library.id);
      // The headers editor's contents went with the request.
      expect(requests.filter((r) => r.method === "POST" && r.url.endsWith("/graphql")).at(-1)?.authorization).toBe("Bearer <your key>");

      // "remove the # before idempotencyKey and pick a new key", then run it twice.
      await editQuery((text) => text.replace('# idempotencyKey: "pick-a-new-key"', 'idempotencyKey: "my-first-key"'));
      const keyed = await run(() => page.keyboard.press("Control+Enter"));
      const again = await run(() => page.keyboard.press("Control+Enter"));
      expect(keyed.data.createFingerprintLibrary.replayed).toBe(false);
      expect(again.data.createFingerprintLibrary).toEqual({ ...keyed.data.createFingerprintLibrary, replayed: true });
      created.push(...[first, second, keyed].map((answer) => answer.data.createFingerprintLibrary.library.id as string));
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-create.png") });
    });

    it("ListLibraries: the registry oldest first; pageInfo.endCursor as after gives the next page", { timeout: 60_000 }, async () => {
      await openTab("ListLibraries");
      await expectInstructions('# The registry, oldest first, a page at a time: for the\n# next page, put pageInfo.endCursor in Variables as\n# "after" and run it again.');
      const firstPage = (await run(() => page.locator(".graphiql-execute-button").click())).data.fingerprintLibraries;
      expect(firstPage.totalCount).toBe(created.length);
      expect(firstPage.nodes.map((node: { id: string }) => node.id)).toEqual(created);
      expect(firstPage.pageInfo.hasNextPage).toBe(false);

      // "put pageInfo.endCursor in Variables as "after" and run it again."
      const variables = JSON.parse(await editorText(visibleTool));
      await editor(visibleTool).evaluate((element: any, text: string) => element.CodeMirror.setValue(text), JSON.stringify({ ...variables, after: firstPage.pageInfo.endCursor }, null, 2));
      const nextPage = (await run(() => page.locator(".graphiql-execute-button").click())).data.fingerprintLibraries;
      expect(nextPage).toMatchObject({ totalCount: created.length, nodes: [], pageInfo: { hasNextPage: false } });
    });

    it("LibraryActivated: runs over graphql-ws and shows the event for a library created in a second window", { timeout: 90_000 }, async () => {
      await openTab("LibraryActivated");
      await expectInstructions(
        "# (over graphql-ws on /graphql). Run it and stay on this\n# tab: switching tabs stops it. Open this page in a second\n# browser tab or window and run CreateLibrary there\n# (without an idempotencyKey, or with a new one). The\n# event shows here when the library turns ACTIVE",
      );
      const subscribersBefore = h.gateway.events.subscriberCount;
      await page.locator(".graphiql-execute-button").click();
      await eventually(async () => h.gateway.events.subscriberCount > subscribersBefore, 10_000).catch(async (error) => {
        throw new Error(`the subscription did not reach the gateway; the response pane shows:\n${await responseText()}\n(${error.message})`);
      });

      // "Open this page in a second browser tab or window and run CreateLibrary there."
      const second = await browser.context.newPage();
      watch(second);
      try {
        await second.goto(`${h.gateway.url}/graphiql/`);
        const secondEditor = second.locator(".graphiql-query-editor .CodeMirror").first();
        await secondEditor.waitFor({ timeout: 30_000 });
        await second.locator(".graphiql-tab-button", { hasText: "CreateLibrary" }).click();
        await second.waitForTimeout(300);
        // "(without an idempotencyKey, or with a new one)": GraphiQL kept the tabs, with the
        // key the first window added, so this window picks a new one.
        const text = await secondEditor.evaluate((element: any) => String(element.CodeMirror.getValue()));
        if (/^\s*idempotencyKey:/m.test(text)) {
          await secondEditor.evaluate((element: any, key: string) => element.CodeMirror.setValue(String(element.CodeMirror.getValue()).replace(/idempotencyKey: "[^"]*"/, `idempotencyKey: "${key}"`)), "a-new-key");
        }
        await secondEditor.click();
        await second.keyboard.press("Control+Enter");
        const secondResponse = second.locator(".graphiql-response .CodeMirror").first();
        const answer = await eventually(async () => {
          const shown = await secondResponse.evaluate((element: any) => String(element.CodeMirror.getValue()));
          return shown.includes('"createFingerprintLibrary"') ? JSON.parse(shown) : null;
        }, 15_000);
        expect(answer.data.createFingerprintLibrary.replayed).toBe(false);
        const library = answer.data.createFingerprintLibrary.library;
        expect(created).not.toContain(library.id);

        // "The event shows here when the library turns ACTIVE": the first window, its
        // subscription still running, shows it (the emulator activates in seconds).
        await page.bringToFront();
        await waitForResponse(library.id, 30_000);
        const event = JSON.parse(await responseText()).data.fingerprintLibraryActivated;
        expect(event).toMatchObject({ status: "ACTIVE", library: { id: library.id, name: "trailers", status: "ACTIVE" } });
        const origin = new URL(h.gateway.url);
        expect(webSockets).toContain(`ws://${origin.host}/graphql`);
        await page.screenshot({ path: join(ARTIFACTS, "graphiql-subscription.png") });
        await page.locator(".graphiql-execute-button").click(); // stop the subscription
      } finally {
        await second.close();
      }
    });

    // The job examples, in their order, each by its own words.
    const textLibraries: string[] = [];
    const MEDIA = (object: string) => `media: { oss: { bucket: "media", object: "uploads/${object}", location: "oss-cn-shanghai" } }`;
    /** Puts the first placeholder-free variables: each tab's own, with a person's values in place of its <...>. */
    const fillVariables = async (fill: Record<string, unknown>) => {
      const shown = JSON.parse(await variablesText());
      for (const key of Object.keys(fill)) expect(shown).toHaveProperty(key); // the tab asks for it
      await setVariables({ ...shown, ...fill });
    };
    const jobDone = (id: string) => (answer: any) => answer.data?.fingerprintJob?.id === id && ["SUCCEEDED", "FAILED", "CANCELED"].includes(answer.data.fingerprintJob.status);

    it("CreateTextLibrary: media:put puts the two files in; two TEXT libraries turn ACTIVE (ListLibraries)", { timeout: 120_000 }, async () => {
      await openTab("CreateTextLibrary");
      await expectInstructions(
        "# emulator's OSS. In a terminal, in this project's folder,\n# while npm start runs, put two of its files there:\n#   npm run media:put -- codegen.yml\n#   npm run media:put -- tsconfig.json\n# (each prints the bucket, object and location these tabs use).\n# Then run this twice: two TEXT libraries (on MPS). They\n# turn ACTIVE a few seconds later (see ListLibraries).",
      );
      // "npm run media:put -- codegen.yml" and "-- tsconfig.json": each prints the media the tabs use.
      for (const file of ["codegen.yml", "tsconfig.json"]) {
        const put = await mediaPut([file]);
        expect(put.stderr).toBe("");
        expect(put.code).toBe(0);
        expect(put.stdout).toContain(`  ${MEDIA(file)}`);
      }
      await openTab("SaveMedia");
      await expectInstructions(MEDIA("codegen.yml"));
      await openTab("CreateTextLibrary");

      // "run this twice: two TEXT libraries (on MPS)".
      for (let i = 0; i < 2; i++) {
        const answer = await run(() => page.locator(".graphiql-execute-button").click());
        expect(answer.data.createFingerprintLibrary.library).toMatchObject({ model: "TEXT", backend: "MPS", status: "OFFLINE" });
        textLibraries.push(answer.data.createFingerprintLibrary.library.id);
      }
      expect(new Set(textLibraries).size).toBe(2);
      // "They turn ACTIVE a few seconds later (see ListLibraries)".
      await openTab("ListLibraries");
      await runUntil((answer) => {
        const nodes: Array<{ id: string; status: string }> = answer.data?.fingerprintLibraries?.nodes ?? [];
        return textLibraries.every((id) => nodes.some((node) => node.id === id && node.status === "ACTIVE"));
      }, 60_000);
    });

    let saveJob = "";
    it("SaveMedia, then FingerprintJob: the SAVE job of codegen.yml ends SUCCEEDED", { timeout: 120_000 }, async () => {
      await openTab("SaveMedia");
      await expectInstructions(
        "# Stores codegen.yml in a library, as primaryKey\n# codegen.yml. Put the first TEXT library's id in\n# Variables as libraryId (it must be ACTIVE) and run it.\n# The job ends SUCCEEDED some seconds later (put job.id\n# in FingerprintJob to see it).",
      );
      await fillVariables({ libraryId: textLibraries[0] });
      const answer = await run(() => page.locator(".graphiql-execute-button").click());
      expect(answer.data.submitFingerprintJob).toMatchObject({ replayed: false, job: { mode: "SAVE", status: "QUEUED" } });
      saveJob = answer.data.submitFingerprintJob.job.id;

      await openTab("FingerprintJob");
      await expectInstructions("# One job. Put a job.id in Variables as id and run it\n# until status is SUCCEEDED");
      await fillVariables({ id: saveJob });
      const done = await runUntil(jobDone(saveJob), 60_000);
      expect(done.data.fingerprintJob).toMatchObject({ mode: "SAVE", status: "SUCCEEDED", failureCode: null, matches: [] });
    });

    it("SearchMedia, then FingerprintJob: the search for codegen.yml finds it (similarity 1); for tsconfig.json nothing", { timeout: 150_000 }, async () => {
      const search = async () => {
        await openTab("SearchMedia");
        await fillVariables({ libraryId: textLibraries[0] });
        const answer = await run(() => page.locator(".graphiql-execute-button").click());
        expect(answer.data.submitFingerprintJob.job).toMatchObject({ mode: "SEARCH", status: "QUEUED" });
        const id: string = answer.data.submitFingerprintJob.job.id;
        await openTab("FingerprintJob");
        await fillVariables({ id });
        return (await runUntil(jobDone(id), 60_000)).data.fingerprintJob;
      };
      await openTab("SearchMedia");
      await expectInstructions(
        "# Searches the library for copies of codegen.yml, once\n# SaveMedia's job has SUCCEEDED. Put the same libraryId\n# in Variables, run it, and put job.id in FingerprintJob.\n# For a search that finds nothing, change\n# uploads/codegen.yml below to uploads/tsconfig.json.",
      );
      const found = await search();
      expect(found).toMatchObject({ mode: "SEARCH", status: "SUCCEEDED" });
      expect(found.matches).toHaveLength(1);
      expect(found.matches[0]).toMatchObject({ primaryKey: "codegen.yml", similarity: 1 });
      expect(found.matches[0].segments.length).toBeGreaterThan(0);
      await openTab("FingerprintJob");
      await expectInstructions("# errorMessage say why). The search for codegen.yml\n# finds codegen.yml, similarity 1; the search for\n# tsconfig.json finds nothing (no matches).");

      // "change uploads/codegen.yml below to uploads/tsconfig.json".
      await openTab("SearchMedia");
      // (The line below the words, in the operation; the words name it too.)
      await editQuery((text) => text.replace('object: "uploads/codegen.yml"', 'object: "uploads/tsconfig.json"'));
      const nothing = await search();
      expect(nothing).toMatchObject({ mode: "SEARCH", status: "SUCCEEDED", matches: [] });
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-job.png") });
    });

    it("SearchDuplicates, then DuplicateSearch: codegen.yml is found in the library it was saved in, and in no other", { timeout: 120_000 }, async () => {
      await openTab("SearchDuplicates");
      await expectInstructions(
        "# One search over several libraries of one model (on\n# either backend): a SEARCH job in each. Put both TEXT\n# libraries' ids in Variables as libraryIds, run it, and\n# put search.id in DuplicateSearch.",
      );
      await fillVariables({ libraryIds: textLibraries });
      const answer = await run(() => page.locator(".graphiql-execute-button").click());
      const id: string = answer.data.searchDuplicates.search.id;
      expect(answer.data.searchDuplicates.search.status).toBe("QUEUED");

      await openTab("DuplicateSearch");
      await expectInstructions("# A search over several libraries. Put search.id in\n# Variables as id and run it until status is SUCCEEDED:\n# codegen.yml is found in the library SaveMedia stored it\n# in, and in no other.");
      await fillVariables({ id });
      const done = (await runUntil((a) => a.data?.duplicateSearch?.id === id && ["SUCCEEDED", "FAILED"].includes(a.data.duplicateSearch.status), 60_000)).data.duplicateSearch;
      expect(done.status).toBe("SUCCEEDED");
      expect(done.jobs.map((job: { library: { id: string } }) => job.library.id).sort()).toEqual([...textLibraries].sort());
      expect(done.matches).toEqual([{ library: { id: textLibraries[0], name: "docs" }, match: { primaryKey: "codegen.yml", similarity: 1 } }]);
    });

    it("LibraryFiles lists codegen.yml; DeleteFiles deletes it (QUEUED on MPS), and LibraryFiles no longer lists it", { timeout: 120_000 }, async () => {
      const files = (answer: any): string[] => (answer.data?.fingerprintLibrary?.files?.nodes ?? []).map((file: { primaryKey: string }) => file.primaryKey);
      await openTab("LibraryFiles");
      await expectInstructions('# The files stored in a library, a page at a time (put\n# pageInfo.endCursor in Variables as "after" for the\n# next). Put the first TEXT library\'s id in Variables as\n# id: codegen.yml is there.');
      await fillVariables({ id: textLibraries[0] });
      const listed = await run(() => page.locator(".graphiql-execute-button").click());
      expect(files(listed)).toEqual(["codegen.yml"]);

      await openTab("DeleteFiles");
      await expectInstructions("# Deletes codegen.yml from a library. Put the first TEXT\n# library's id in Variables as libraryId and run it. On\n# MPS the delete is a job: status QUEUED; a few seconds\n# later LibraryFiles no longer lists codegen.yml.");
      await fillVariables({ libraryId: textLibraries[0] });
      const deleted = await run(() => page.locator(".graphiql-execute-button").click());
      expect(deleted.data.deleteFingerprintFiles).toEqual({ primaryKeys: ["codegen.yml"], status: "QUEUED" });

      await openTab("LibraryFiles");
      // Each answer names the library, so a stale pane (which listed codegen.yml) never passes.
      const after = await runUntil((answer) => answer.data?.fingerprintLibrary?.name === "docs" && !files(answer).includes("codegen.yml"), 30_000);
      expect(files(after)).toEqual([]);
    });

    it("JobFinished: runs over graphql-ws and shows the end of a SearchMedia job run in a second window", { timeout: 120_000 }, async () => {
      await openTab("JobFinished");
      await expectInstructions(
        "# CANCELED), over graphql-ws. Run it and stay on this tab:\n# switching tabs stops it. Open this page in a second\n# browser tab or window and run SearchMedia there (its\n# libraryId is still in Variables: GraphiQL keeps the\n# tabs). The event shows here when that job ends, with its\n# status and matches: seconds on the emulator.",
      );
      const subscribersBefore = h.gateway.events.subscriberCount;
      await page.locator(".graphiql-execute-button").click();
      await eventually(async () => h.gateway.events.subscriberCount > subscribersBefore, 10_000).catch(async (error) => {
        throw new Error(`the subscription did not reach the gateway; the response pane shows:\n${await responseText()}\n(${error.message})`);
      });

      // "Open this page in a second browser tab or window and run SearchMedia there".
      const second = await browser.context.newPage();
      watch(second);
      try {
        await second.goto(`${h.gateway.url}/graphiql/`);
        const secondEditor = (selector: string) => second.locator(`${selector} .CodeMirror`).first();
        const secondText = (selector: string) => secondEditor(selector).evaluate((element: any) => String(element.CodeMirror.getValue()));
        await secondEditor(".graphiql-query-editor").waitFor({ timeout: 30_000 });
        await second.locator(".graphiql-tab-button", { hasText: "SearchMedia" }).click();
        await second.waitForTimeout(300);
        // "(its libraryId is still in Variables: GraphiQL keeps the tabs)".
        expect(JSON.parse(await secondText(visibleTool))).toEqual({ libraryId: textLibraries[0] });
        await second.locator(".graphiql-execute-button").click();
        const answer = await eventually(async () => {
          const shown = await secondText(".graphiql-response");
          return shown.includes('"submitFingerprintJob"') ? JSON.parse(shown) : null;
        }, 15_000);
        const job = answer.data.submitFingerprintJob.job;
        expect(job).toMatchObject({ mode: "SEARCH", status: "QUEUED" });

        // "The event shows here when that job ends, with its status and matches".
        await page.bringToFront();
        await waitForResponse(job.id, 60_000);
        const event = JSON.parse(await responseText()).data.fingerprintJobFinished;
        expect(event).toMatchObject({ status: "SUCCEEDED", job: { id: job.id, mode: "SEARCH", status: "SUCCEEDED", library: { id: textLibraries[0], name: "docs" } } });
        // SearchMedia searches tsconfig.json by now (the unrelated search above), so nothing.
        expect(event.job.matches).toEqual([]);
        await page.screenshot({ path: join(ARTIFACTS, "graphiql-job-finished.png") });
        await page.locator(".graphiql-execute-button").click(); // stop the subscription
      } finally {
        await second.close();
      }
    });

    it("opens a shared /graphql?query= link in GraphiQL with the operation in the editor", { timeout: 60_000 }, async () => {
      const query = "query Shared { fingerprintLibraries(first: 5) { totalCount } }";
      await page.goto(`${h.gateway.graphqlUrl}?query=${encodeURIComponent(query)}`);
      expect(new URL(page.url()).pathname).toBe("/graphiql/");
      await eventually(async () => (await editorText(".graphiql-query-editor")) === query, 15_000);
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-shared-link.png") });
    });

    it("made no request off the gateway's own origin, and threw no error", () => {
      const origin = new URL(h.gateway.url);
      const offOrigin = requests.map((r) => r.url).filter((url) => !url.startsWith("data:") && new URL(url).origin !== origin.origin);
      expect(offOrigin).toEqual([]);
      expect(webSockets.filter((url) => new URL(url).host !== origin.host)).toEqual([]);
      expect(requests.length).toBeGreaterThan(4);
      expect(pageErrors).toEqual([]);
      expect(cspViolations).toEqual([]);
    });
  });
}
