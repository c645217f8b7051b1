/** The operations GraphiQL opens with: create, list, and the activation subscription. */
export const EXAMPLE_TABS = [
  {
    query: `# Creates a library; the routing policy picks the
# backend (VIDEO, AUDIO: ICE; IMAGE, TEXT: MPS). Run it
# twice with the same idempotencyKey: still one library,
# replayed: true. Ctrl-Enter runs it; your key goes in
# Headers below.
mutation CreateLibrary {
  createFingerprintLibrary(
    input: {
      name: "trailers"
      model: VIDEO
      idempotencyKey: "graphiql-demo-1"
    }
  ) {
    replayed
    library {
      id
      name
      model
      backend
      backendLibraryId
      status
      rawStatus
      createdAt
    }
  }
}
`,
    // GraphiQL 4 does not load the first default tab's variables into the editor: inline them.
    variables: "",
  },
  {
    query: `# The registry, oldest first, a page at a time:
# pass pageInfo.endCursor as "after" for the next one.
query ListLibraries($first: Int, $after: String, $filter: FingerprintLibraryFilter) {
  fingerprintLibraries(first: $first, after: $after, filter: $filter) {
    totalCount
    nodes {
      id
      name
      model
      backend
      status
      rawStatus
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
    query: `# One event per library, when it first turns ACTIVE
# (over graphql-ws on /graphql). Start it, create a
# library in the first tab, and wait a few seconds.
subscription LibraryActivated($filter: LibraryEventFilter) {
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
