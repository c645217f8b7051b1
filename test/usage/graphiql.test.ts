/**
 * GraphiQL as a person uses it: the landing page, the bundle the gateway serves, and a real
 * browser (Debian's chromium) running the example operations, a subscription over graphql-ws,
 * all without one request leaving the gateway's origin.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, browserAvailable, buildGraphiql, launchBrowser, type Browser } from "../support/browser.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
beforeAll(async () => {
  buildGraphiql();
  // New libraries turn ACTIVE on the emulator after a few seconds, as its default does, so
  // the subscription example's "wait" is real (the activation watcher notices).
  h = await startHarness({ emulator: { activationDelayMs: 2_000, activationJitterMs: 0 } });
});
afterAll(() => h?.close());

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

    it("opens with the example operations and an Authorization hint in the headers editor", { timeout: 60_000 }, async () => {
      // The bare path: GraphiQL must work after the redirect to /graphiql/.
      await page.goto(`${h.gateway.url}/graphiql`);
      await editor(".graphiql-query-editor").waitFor({ timeout: 30_000 });
      expect(page.url()).toBe(`${h.gateway.url}/graphiql/`);
      expect(await page.locator(".graphiql-tab-button").allTextContents()).toEqual(["CreateLibrary", "ListLibraries", "LibraryActivated"]);
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
