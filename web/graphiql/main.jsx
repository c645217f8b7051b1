/**
 * The browser side of /graphiql: GraphiQL 4 with the gateway's example operations.
 * Bundled by scripts/build-graphiql.mjs (esbuild) into dist/graphiql/; the gateway serves
 * it, so it needs nothing from outside (fonts are inlined in GraphiQL's CSS).
 */
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createRoot } from "react-dom/client";
import { EXAMPLE_TABS } from "./examples.js";

// Relative to this page, so the gateway may sit behind a path prefix (/x/graphiql/ talks to
// /x/graphql). Subscriptions go over graphql-ws on the same path; GraphiQL passes the
// headers editor's contents as the connection_init payload (browsers cannot set headers on
// a WebSocket).
const url = new URL("../graphql", window.location.href);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";

const fetcher = createGraphiQLFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });

const AUTH_HINT = `{
  "Authorization": "Bearer <your key>"
}`;

// /graphql?query=... opened in a browser redirects here with the operation in the URL
// (src/server/graphiql.ts): it opens in the editor, to be read and run by hand.
const shared = new URLSearchParams(window.location.search);

createRoot(document.getElementById("graphiql")).render(
  <GraphiQL
    fetcher={fetcher}
    query={shared.get("query") ?? undefined}
    variables={shared.get("variables") ?? undefined}
    operationName={shared.get("operationName") ?? undefined}
    defaultTabs={EXAMPLE_TABS.map((tab) => ({ ...tab, headers: AUTH_HINT }))}
    defaultHeaders={AUTH_HINT}
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
    defaultEditorToolsVisibility="variables"
  />,
);
