/**
 * FingerprintLibrary.files: the media stored in a library, read live from its backend
 * (ICE ListDNAFiles, MPS ListFpShotFiles) and cut into Relay pages. The backends page by
 * token at their own boundaries; a client's page may start inside one of those pages (its
 * `first` differs from the backend's page size), so the position is (token, skip) and a
 * client page may take up to a few backend calls.
 */
import type { BackendFile } from "../backends/content-port.js";
import type { BackendAccounts } from "../backends/index.js";
import { badInput, notFound } from "../domain/errors.js";
import type { Library } from "../domain/library.js";
import { decodeFileCursor, encodeFileCursor, type FilePosition } from "./file-cursor.js";

export const DEFAULT_FILE_PAGE_SIZE = 20;
/** Both backends page at most 100 files a call (ICE documents it; MPS is assumed the same). */
export const MAX_FILE_PAGE_SIZE = 100;
/**
 * A backend that keeps answering empty pages with a next token would otherwise be paged
 * forever; after this many calls the page ends where it got to (hasNextPage stays true).
 */
const MAX_BACKEND_CALLS_PER_PAGE = 5;

export interface FileEdge {
  file: BackendFile;
  cursor: string;
}

export interface FilePage {
  edges: FileEdge[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export class FileListing {
  constructor(private readonly accounts: BackendAccounts) {}

  /** `library` as the caller's request read it (tenant-scoped); refused if it is another tenant's. */
  async page(tenantId: string, library: Library | null, args: { first?: number | null; after?: string | null }): Promise<FilePage> {
    const first = args.first ?? DEFAULT_FILE_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_FILE_PAGE_SIZE) {
      throw badInput("first", `first must be between 1 and ${MAX_FILE_PAGE_SIZE} (files per page); got ${first}.`);
    }
    if (!library || library.tenantId !== tenantId) throw notFound("Fingerprint library");
    const start: FilePosition = args.after ? decodeFileCursor(args.after, library.id) : { token: null, skip: 0 };
    const hasPreviousPage = args.after !== undefined && args.after !== null;
    // The backend forgot it with the library: nothing stored, nothing to ask.
    if (library.status === "DELETED") return { edges: [], hasNextPage: false, hasPreviousPage };

    const content = this.accounts.forTenant(library.tenantId)[library.backend].content;
    const pageLimit = Math.min(MAX_FILE_PAGE_SIZE, content.maxFilePageSize);
    const edges: FileEdge[] = [];
    let position = start;
    for (let call = 0; call < MAX_BACKEND_CALLS_PER_PAGE; call++) {
      const wanted = first - edges.length;
      const size = Math.min(pageLimit, position.skip + wanted);
      // After the last file of a full final page, skip equals the limit: the call then only
      // tells whether another page has appeared since.
      const page = await content.listFiles(library.region, library.backendLibraryId, size, position.token);
      const available = page.files.slice(position.skip);
      const taken = available.slice(0, wanted);
      taken.forEach((file, i) => edges.push({ file, cursor: encodeFileCursor(library.id, { token: position.token, skip: position.skip + i + 1 }) }));
      // Files of this backend page are left: the next client page starts among them.
      if (taken.length < available.length) return { edges, hasNextPage: true, hasPreviousPage };
      if (page.nextToken === null) return { edges, hasNextPage: false, hasPreviousPage };
      position = { token: page.nextToken, skip: 0 };
      // The same place, said the way the next call starts: after the backend page boundary.
      const last = edges.at(-1);
      if (last && taken.length > 0) last.cursor = encodeFileCursor(library.id, position);
      if (edges.length === first) return { edges, hasNextPage: true, hasPreviousPage };
    }
    return { edges, hasNextPage: true, hasPreviousPage };
  }
}
