/**
 * One object by its parsed global id, through the request's DataLoaders: what `node(id)` and
 * federation's `_entities` answer. Another tenant's object is null, exactly like one that
 * never existed, so ids do not leak.
 */
import type { GatewayContext } from "./context.js";
import { DuplicateSearchType } from "./types/duplicate-search.js";
import { FileDeletionType } from "./types/file-deletion.js";
import { FingerprintJobType } from "./types/job.js";
import { FingerprintLibraryType } from "./types/library.js";

export type NodeObject = FingerprintLibraryType | FingerprintJobType | DuplicateSearchType | FileDeletionType;

export async function loadNode(parsed: { type: string; id: string } | null, ctx: GatewayContext, only?: string): Promise<NodeObject | null> {
  if (!parsed || (only !== undefined && parsed.type !== only)) return null;
  switch (parsed.type) {
    case "FingerprintLibrary": {
      const library = await ctx.loaders.libraryById.load(parsed.id);
      return library ? FingerprintLibraryType.from(library) : null;
    }
    case "FingerprintJob": {
      const job = await ctx.loaders.jobById.load(parsed.id);
      return job ? FingerprintJobType.from(job) : null;
    }
    case "DuplicateSearch": {
      const search = await ctx.loaders.searchById.load(parsed.id);
      return search ? DuplicateSearchType.from(search) : null;
    }
    case "FileDeletion": {
      const deletion = await ctx.loaders.fileDeletionById.load(parsed.id);
      return deletion ? FileDeletionType.from(deletion) : null;
    }
    default:
      return null;
  }
}
