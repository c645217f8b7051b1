/** Reads over the registry: one library, many by id (the DataLoader batch), and pages. */
import { badInput } from "../domain/errors.js";
import { requireStorable } from "../domain/storable-text.js";
import { NAME_MAX_LENGTH } from "../domain/create-input.js";
import type { Library } from "../domain/library.js";
import type { LibraryCursor, LibraryFilter, Store } from "../store/ports.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface LibraryPageResult {
  /** The page's libraries; `encodeCursor(library)` is each one's cursor (made only when asked for). */
  items: Library[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: () => Promise<number>;
}

export class LibraryQueries {
  constructor(private readonly store: Store) {}

  async byIds(tenantId: string, ids: readonly string[]): Promise<Array<Library | null>> {
    const rows = await this.store.libraries.findManyByIds(tenantId, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** `want.totalCount`: the caller will read totalCount, so the store may count with the page. */
  async page(
    tenantId: string,
    args: { first?: number | null; after?: string | null; filter?: LibraryFilter | null },
    want: { totalCount?: boolean } = {},
  ): Promise<LibraryPageResult> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badInput("first", `first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`);
    }
    const after = args.after ? decodeCursor(args.after) : undefined;
    const filter = args.filter ?? {};
    // Text no stored name or region can contain: refused as input, the same way on both databases.
    if (filter.nameContains !== undefined) {
      requireStorable("nameContains", filter.nameContains);
      // No name is longer, so a longer term matches nothing (and SQLite refuses such a LIKE pattern).
      if (filter.nameContains.length > NAME_MAX_LENGTH) {
        throw badInput("nameContains", `nameContains is ${filter.nameContains.length} characters long; names are at most ${NAME_MAX_LENGTH}.`);
      }
    }
    if (filter.region !== undefined) requireStorable("region", filter.region);
    const page = await this.store.libraries.list(tenantId, filter, first, after, want);
    const counted = page.totalCount;
    return {
      items: page.items,
      hasNextPage: page.hasNextPage,
      // Forward-only pagination: a page after a cursor always has one before it.
      hasPreviousPage: after !== undefined,
      // Counted only when the client asks for totalCount: with the page when it said so up front.
      totalCount: () => (counted !== undefined ? Promise.resolve(counted) : this.store.libraries.count(tenantId, filter)),
    };
  }
}

/** Opaque to clients; inside, the keyset position (createdAt, id) of the last row seen. */
export function encodeCursor(library: Pick<Library, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([library.createdAt.getTime(), library.id])).toString("base64url");
}

export function decodeCursor(cursor: string): LibraryCursor {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof time === "number" && Number.isFinite(time) && typeof id === "string" && id.length > 0) return { createdAt: new Date(time), id };
  } catch {
    // fall through to the error below
  }
  throw badInput("after", "after is not a cursor this gateway issued; pass an endCursor from a previous page.");
}
