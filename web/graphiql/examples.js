/**
 * The examples GraphiQL opens with, one tab each, in this order. Each has its operation and
 * the instructions a person follows to try it, shown as comment lines at the top of the tab;
 * test/usage/graphiql.test.ts does exactly what those words say, in a real browser, so the
 * words must stay true. To add an example, add an entry here and a step for it in that
 * test. The job examples use two of this project's own small text files as media (put into
 * the embedded emulator's OSS with npm run media:put), so they need no file of one's own.
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
  {
    instructions: [
      "The job examples (the tabs from here on) need text in the",
      "emulator's OSS. In a terminal, in this project's folder,",
      "while npm start runs, put two of its files there:",
      "  npm run media:put -- codegen.yml",
      "  npm run media:put -- tsconfig.json",
      "(each prints the bucket, object and location these tabs use).",
      "Then run this twice: two TEXT libraries (on MPS). They",
      "turn ACTIVE a few seconds later (see ListLibraries).",
    ],
    operation: `mutation CreateTextLibrary {
  createFingerprintLibrary(input: { name: "docs", model: TEXT }) {
    library {
      id
      model
      backend
      status
    }
  }
}
`,
    variables: "",
  },
  {
    instructions: [
      "Stores codegen.yml in a library, as primaryKey",
      "codegen.yml. Put the first TEXT library's id in",
      "Variables as libraryId (it must be ACTIVE) and run it.",
      "The job ends SUCCEEDED some seconds later (put job.id",
      "in FingerprintJob to see it).",
    ],
    operation: `mutation SaveMedia($libraryId: ID!) {
  submitFingerprintJob(
    input: {
      libraryId: $libraryId
      mode: SAVE
      primaryKey: "codegen.yml"
      media: { oss: { bucket: "media", object: "uploads/codegen.yml", location: "oss-cn-shanghai" } }
    }
  ) {
    replayed
    job {
      id
      mode
      status
    }
  }
}
`,
    variables: `{
  "libraryId": "<the first TEXT library's id>"
}`,
  },
  {
    instructions: [
      "Searches the library for copies of codegen.yml, once",
      "SaveMedia's job has SUCCEEDED. Put the same libraryId",
      "in Variables, run it, and put job.id in FingerprintJob.",
      "For a search that finds nothing, change",
      "uploads/codegen.yml below to uploads/tsconfig.json.",
    ],
    operation: `mutation SearchMedia($libraryId: ID!) {
  submitFingerprintJob(
    input: {
      libraryId: $libraryId
      mode: SEARCH
      media: { oss: { bucket: "media", object: "uploads/codegen.yml", location: "oss-cn-shanghai" } }
    }
  ) {
    job {
      id
      mode
      status
    }
  }
}
`,
    variables: `{
  "libraryId": "<the first TEXT library's id>"
}`,
  },
  {
    instructions: [
      "One job. Put a job.id in Variables as id and run it",
      "until status is SUCCEEDED (or FAILED: failureCode and",
      "errorMessage say why). The search for codegen.yml",
      "finds codegen.yml, similarity 1; the search for",
      "tsconfig.json finds nothing (no matches).",
    ],
    operation: `query FingerprintJob($id: ID!) {
  fingerprintJob(id: $id) {
    id
    mode
    status
    failureCode
    errorMessage
    matches {
      primaryKey
      similarity
      segments {
        inputStart
        inputEnd
        matchStart
        matchEnd
      }
    }
  }
}
`,
    variables: `{
  "id": "<a job.id>"
}`,
  },
  {
    instructions: [
      "One search over several libraries of one model (on",
      "either backend): a SEARCH job in each. Put both TEXT",
      "libraries' ids in Variables as libraryIds, run it, and",
      "put search.id in DuplicateSearch.",
    ],
    operation: `mutation SearchDuplicates($libraryIds: [ID!]!) {
  searchDuplicates(
    input: {
      libraryIds: $libraryIds
      media: { oss: { bucket: "media", object: "uploads/codegen.yml", location: "oss-cn-shanghai" } }
    }
  ) {
    search {
      id
      status
    }
  }
}
`,
    variables: `{
  "libraryIds": ["<the first TEXT library's id>", "<the second's>"]
}`,
  },
  {
    instructions: [
      "A search over several libraries. Put search.id in",
      "Variables as id and run it until status is SUCCEEDED:",
      "codegen.yml is found in the library SaveMedia stored it",
      "in, and in no other.",
    ],
    operation: `query DuplicateSearch($id: ID!) {
  duplicateSearch(id: $id) {
    id
    status
    jobs {
      status
      library {
        id
      }
    }
    matches {
      library {
        id
        name
      }
      match {
        primaryKey
        similarity
      }
    }
  }
}
`,
    variables: `{
  "id": "<a search.id>"
}`,
  },
  {
    instructions: [
      "The files stored in a library, a page at a time (put",
      "pageInfo.endCursor in Variables as \"after\" for the",
      "next). Put the first TEXT library's id in Variables as",
      "id: codegen.yml is there.",
    ],
    operation: `query LibraryFiles($id: ID!, $after: String) {
  fingerprintLibrary(id: $id) {
    name
    files(first: 20, after: $after) {
      nodes {
        primaryKey
        storedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
`,
    variables: `{
  "id": "<the first TEXT library's id>"
}`,
  },
  {
    instructions: [
      "Deletes codegen.yml from a library. Put the first TEXT",
      "library's id in Variables as libraryId and run it. On",
      "MPS the delete is a job: status QUEUED; a few seconds",
      "later LibraryFiles no longer lists codegen.yml.",
    ],
    operation: `mutation DeleteFiles($libraryId: ID!) {
  deleteFingerprintFiles(libraryId: $libraryId, primaryKeys: ["codegen.yml"]) {
    primaryKeys
    status
  }
}
`,
    variables: `{
  "libraryId": "<the first TEXT library's id>"
}`,
  },
  {
    instructions: [
      "One event per job, when it ends (SUCCEEDED, FAILED or",
      "CANCELED), over graphql-ws. Run it and stay on this tab:",
      "switching tabs stops it. Open this page in a second",
      "browser tab or window and run SearchMedia there (its",
      "libraryId is still in Variables: GraphiQL keeps the",
      "tabs). The event shows here when that job ends, with its",
      "status and matches: seconds on the emulator.",
    ],
    operation: `subscription JobFinished($filter: JobEventFilter) {
  fingerprintJobFinished(filter: $filter) {
    eventId
    occurredAt
    status
    job {
      id
      mode
      status
      library {
        id
        name
      }
      matches {
        primaryKey
        similarity
      }
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
