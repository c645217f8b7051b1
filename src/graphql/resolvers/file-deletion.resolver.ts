import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { internalIdFrom } from "../global-id.js";
import { FileDeletionType } from "../types/file-deletion.js";
import { FingerprintLibraryType } from "../types/library.js";
import { loadLibrary } from "./job-fields.resolver.js";

/** An MPS file deletion read again (`fileDeletion(id)`) and its library; fileDeletionFinished pushes its end instead. */
@Resolver(() => FileDeletionType)
export class FileDeletionResolver {
  @Query(() => FileDeletionType, { nullable: true, description: "One file deletion (from deleteFingerprintFiles on MPS); null when there is none (or it is another tenant's)." })
  async fileDeletion(@Arg("id", () => ID, { description: "The deletion's id." }) id: string, @Ctx() ctx: GatewayContext): Promise<FileDeletionType | null> {
    const deletion = await ctx.loaders.fileDeletionById.load(internalIdFrom("FileDeletion", id));
    return deletion ? FileDeletionType.from(deletion) : null;
  }

  @FieldResolver(() => FingerprintLibraryType, { description: "The library the files are deleted from." })
  library(@Root() deletion: FileDeletionType, @Ctx() ctx: GatewayContext): Promise<FingerprintLibraryType> {
    return loadLibrary(ctx, deletion.job.libraryId);
  }
}
