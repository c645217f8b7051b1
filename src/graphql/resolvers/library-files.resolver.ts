import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { libraryIdFrom } from "../global-id.js";
import { FileDeletionType } from "../types/file-deletion.js";
import { DeleteFingerprintFilesPayload, FingerprintFileConnection, FingerprintFileEdge } from "../types/file.js";
import { FingerprintLibraryType } from "../types/library.js";

/** A library's stored media: the `files` field and deleteFingerprintFiles. */
@Resolver(() => FingerprintLibraryType)
export class LibraryFilesResolver {
  @FieldResolver(() => FingerprintFileConnection, { description: "The media stored in the library, read live from its backend, a page at a time." })
  async files(
    @Root() library: FingerprintLibraryType,
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 1 to 100; default 20." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page of this library's files." }) after?: string | null,
  ): Promise<FingerprintFileConnection> {
    const row = await ctx.loaders.libraryById.load(libraryIdFrom(library.id));
    const page = await ctx.services.files.page(ctx.tenantId, row, { first, after });
    const edges = page.edges.map((edge) => FingerprintFileEdge.from(edge));
    return Object.assign(new FingerprintFileConnection(), {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    });
  }

  @Mutation(() => DeleteFingerprintFilesPayload, {
    description:
      "Removes stored media from a library (ICE DeleteDNAFiles at once; MPS SubmitFpFileDeleteJob, a job). At most 1000 keys; " +
      "on a failure part-way the error's extensions.notDeletedPrimaryKeys lists what to delete again.",
  })
  async deleteFingerprintFiles(
    @Arg("libraryId", () => ID, { description: "The library's id." }) libraryId: string,
    @Arg("primaryKeys", () => [String], { description: "The stored keys to delete (duplicates are ignored)." }) primaryKeys: string[],
    @Ctx() ctx: GatewayContext,
  ): Promise<DeleteFingerprintFilesPayload> {
    const result = await ctx.services.fileDeletion.delete(ctx.tenantId, libraryIdFrom(libraryId, "libraryId"), primaryKeys);
    return {
      library: FingerprintLibraryType.from(result.library),
      primaryKeys: result.primaryKeys,
      status: result.status,
      deletions: result.jobs.map((job) => FileDeletionType.from(job)),
    };
  }
}
