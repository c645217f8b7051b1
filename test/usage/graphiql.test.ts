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
import { CREATE, REFRESH } from "../support/documents.js";
import { eventually, startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
beforeAll(async () => {
  buildGraphiql();
  // Libraries stay OFFLINE until a test activates them on the emulator.
  h = await startHarness({ emulator: { activationDelayMs: 3_600_000, activationJitterMs: 0 } });
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

    beforeAll(async () => {
      browser = await launchBrowser();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.on("request", (request) => requests.push({ url: request.url(), method: request.method(), authorization: request.headers()["authorization"] }));
      page.on("websocket", (socket) => webSockets.push(socket.url()));
      page.on("pageerror", (error) => pageErrors.push(error.message));
      // Chromium reports each Content Security Policy violation on the console.
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
      });
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
      expect(JSON.parse(await editorText(".graphiql-editor-tool .graphiql-editor:not(.hidden)"))).toEqual({ Authorization: "Bearer <your key>" });
      await page.locator(".graphiql-editor-tools button", { hasText: "Variables" }).click();
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-open.png") });
    });

    it("runs the create example with Ctrl-Enter and the list example with the run button", { timeout: 60_000 }, async () => {
      await editor(".graphiql-query-editor").click();
      await page.keyboard.press("Control+Enter");
      await waitForResponse('"createFingerprintLibrary"');
      const created = JSON.parse(await responseText()).data.createFingerprintLibrary;
      expect(created).toMatchObject({ replayed: false, library: { name: "trailers", model: "VIDEO", backend: "ICE", status: "OFFLINE" } });
      // The headers editor's contents went with the request.
      expect(requests.filter((r) => r.method === "POST" && r.url.endsWith("/graphql")).at(-1)?.authorization).toBe("Bearer <your key>");

      await openTab("ListLibraries");
      // Replaced in the editor as a person would (select all, paste): a query the examples do not have.
      await editor(".graphiql-query-editor").click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("query OnlyIce {\n  fingerprintLibraries(filter: { backend: ICE }) {\n    totalCount\n    nodes { id name status }\n  }\n}\n");
      await eventually(async () => (await page.locator(".graphiql-tab-active .graphiql-tab-button").textContent()) === "OnlyIce");
      await humanPause();
      await page.locator(".graphiql-execute-button").click();
      await waitForResponse('"totalCount"');
      expect(JSON.parse(await responseText())).toEqual({
        data: { fingerprintLibraries: { totalCount: 1, nodes: [{ id: created.library.id, name: "trailers", status: "OFFLINE" }] } },
      });
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-query.png") });
    });

    it("runs the activation subscription over graphql-ws and shows the event when a library turns active", { timeout: 60_000 }, async () => {
      await openTab("LibraryActivated");
      expect(await editorText(".graphiql-query-editor")).toContain("subscription LibraryActivated");
      const subscribersBefore = h.gateway.events.subscriberCount;
      await page.locator(".graphiql-execute-button").click();
      await eventually(async () => h.gateway.events.subscriberCount > subscribersBefore, 10_000).catch(async (error) => {
        throw new Error(`the subscription did not reach the gateway; the response pane shows:\n${await responseText()}\n(${error.message})`);
      });

      // Another client creates a library; the emulator activates it; a refresh records it.
      const created = await h.gql(CREATE, { input: { name: "goes-live-in-graphiql", model: "AUDIO" } });
      expect(created.errors).toBeUndefined();
      const library = created.data!.createFingerprintLibrary.library;
      h.emulator.control.activate(library.backendLibraryId);
      expect((await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status).toBe("ACTIVE");

      await waitForResponse(library.id);
      const event = JSON.parse(await responseText()).data.fingerprintLibraryActivated;
      expect(event).toMatchObject({ status: "ACTIVE", library: { id: library.id, name: "goes-live-in-graphiql", status: "ACTIVE" } });
      const origin = new URL(h.gateway.url);
      expect(webSockets).toContain(`ws://${origin.host}/graphql`);
      await page.screenshot({ path: join(ARTIFACTS, "graphiql-subscription.png") });
      await page.locator(".graphiql-execute-button").click(); // stop the subscription
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
