/**
 * The examples GraphiQL opens with, one tab each, in this order. Each has its operation and
 * the instructions a person follows to try it, shown as comment lines at the top of the tab;
 * test/usage/graphiql.test.ts does exactly what those words say, in a real browser, so the
 * words must stay true. To add an example (a job, say), add an entry here and a step for
 * it in that test.
 *
 * Things the words have to respect:
 * - A GraphiQL tab runs one operation at a time: switching tabs (or running another
 *   operation) stops a running subscription. A subscription example therefore asks for the
 *   page in a second browser tab or window to cause its event.
 * - GraphiQL keeps the tabs (with any edits) in the browser's storage, so a second window
 *   opens with the same edited operations.
 * - An idempotencyKey answers the same library every time it is sent again, so an example
 *   that is run more than once must not fix one: the create example has none, and says how
 *   to add one.
 */
export const EXAMPLES = [
  {
    instructions: [
      "Creates a library. The routing policy picks the backend",
      "(VIDEO, AUDIO: ICE; IMAGE, TEXT: MPS); routing says which",
      "and why (QUOTA_FALLBACK: the usual one was full).",
      "Each run creates a new library. To make a retry safe,",
      "remove the # before idempotencyKey and pick a new key:",
      "every run with that key answers the same library, with",
      "replayed: true. Ctrl-Enter runs it; your API key goes",
      "in Headers below.",
    ],
    operation: `mutation CreateLibrary {
  createFingerprintLibrary(
    input: {
      name: "trailers"
      model: VIDEO
      # idempotencyKey: "pick-a-new-key"
    }
  ) {
    replayed
    routing {
      backend
      reason
      explanation
    }
    library {
      id
      name
      model
      backend
      backendLibraryId
      status
      createdAt
    }
  }
}
`,
    // GraphiQL 4 does not load the first default tab's variables into the editor: inline them.
    variables: "",
  },
  {
    instructions: [
      "The registry, oldest first, a page at a time: for the",
      "next page, put pageInfo.endCursor in Variables as",
      '"after" and run it again.',
    ],
    operation: `query ListLibraries($first: Int, $after: String, $filter: FingerprintLibraryFilter) {
  fingerprintLibraries(first: $first, after: $after, filter: $filter) {
    totalCount
    nodes {
      id
      name
      model
      backend
      status
      activatedAt
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`,
    variables: `{
  "first": 10
}`,
  },
  {
    instructions: [
      "One event per library, when it first turns ACTIVE",
      "(over graphql-ws on /graphql). Run it and stay on this",
      "tab: switching tabs stops it. Open this page in a second",
      "browser tab or window and run CreateLibrary there",
      "(without an idempotencyKey, or with a new one). The",
      "event shows here when the library turns ACTIVE: seconds",
      "on the emulator, up to minutes on Alibaba Cloud.",
    ],
    operation: `subscription LibraryActivated($filter: LibraryEventFilter) {
  fingerprintLibraryActivated(filter: $filter) {
    eventId
    occurredAt
    status
    library {
      id
      name
      backend
      status
      activatedAt
    }
  }
}
`,
    variables: `{
  "filter": null
}`,
  },
];

/** GraphiQL's defaultTabs: each example's instructions as comments above its operation. */
export const EXAMPLE_TABS = EXAMPLES.map(({ instructions, operation, variables }) => ({
  query: `${instructions.map((line) => `# ${line}`).join("\n")}\n${operation}`,
  variables,
}));
