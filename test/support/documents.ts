/** GraphQL documents shared by the gateway suites. */
export const LIBRARY_FIELDS = `
  id backend backendLibraryId region name description model config status rawStatus createdAt updatedAt activatedAt
`;

export const CREATE = `
  mutation Create($input: CreateFingerprintLibraryInput!) {
    createFingerprintLibrary(input: $input) { replayed library { ${LIBRARY_FIELDS} } }
  }
`;

export const GET = `query Get($id: ID!) { fingerprintLibrary(id: $id) { ${LIBRARY_FIELDS} } }`;

export const REFRESH = `mutation Refresh($id: ID!) { refreshFingerprintLibrary(id: $id) { ${LIBRARY_FIELDS} } }`;

export const DELETE = `mutation Delete($id: ID!) { deleteFingerprintLibrary(id: $id) { library { ${LIBRARY_FIELDS} } } }`;

export const IMPORT = `
  mutation Import($backend: FingerprintBackend!, $backendLibraryId: String!, $region: String) {
    importFingerprintLibrary(backend: $backend, backendLibraryId: $backendLibraryId, region: $region) { ${LIBRARY_FIELDS} }
  }
`;

export const LIST = `
  query List($first: Int, $after: String, $filter: FingerprintLibraryFilter) {
    fingerprintLibraries(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name backend model status region } }
      nodes { id }
    }
  }
`;
