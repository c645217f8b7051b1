import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context.js";
import { fromGlobalId, libraryIdFrom } from "../global-id.js";
import { encodeCursor } from "../../services/library-queries.js";
import { FingerprintLibraryConnection, FingerprintLibraryEdge } from "../types/connection.js";
import { FingerprintLibraryFilter } from "../types/inputs.js";
import { FingerprintLibraryType } from "../types/library.js";
import { Node } from "../types/node.js";
import { loadNode } from "../node-loader.js";
import { selectsField } from "../selects-field.js";

@Resolver(() => FingerprintLibraryConnection)
export class LibraryQueryResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global id; null when there is none (or it is another tenant's)." })
  async node(@Arg("id", () => ID, { description: "A global id." }) id: string, @Ctx() ctx: GatewayContext): Promise<Node | null> {
    return loadNode(fromGlobalId(id), ctx);
  }

  @Query(() => FingerprintLibraryType, { nullable: true, description: "One library from the registry; null when there is none." })
  async fingerprintLibrary(
    @Arg("id", () => ID, { description: "The library's id." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<FingerprintLibraryType | null> {
    const library = await ctx.loaders.libraryById.load(libraryIdFrom(id));
    return library ? FingerprintLibraryType.from(library) : null;
  }

  @Query(() => FingerprintLibraryConnection, { description: "The registry's libraries, oldest first, a page at a time." })
  async fingerprintLibraries(
    @Ctx() ctx: GatewayContext,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100; default 20." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page." }) after?: string | null,
    @Arg("filter", () => FingerprintLibraryFilter, { nullable: true, description: "Only libraries matching every given field." })
    filter?: FingerprintLibraryFilter | null,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<FingerprintLibraryConnection> {
    const page = await ctx.services.queries.page(
      ctx.tenantId,
      { first, after, filter: filter ? { ...stripNulls(filter) } : null },
      { totalCount: info ? selectsField(info, "totalCount") : false },
    );
    const nodes = page.items.map((library) => FingerprintLibraryType.from(library));
    const first_ = page.items[0];
    const last = page.items.at(-1);
    return Object.assign(new FingerprintLibraryConnection(), {
      edges: page.items.map((library, i) => new FingerprintLibraryEdge(library, nodes[i]!)),
      nodes,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: first_ ? encodeCursor(first_) : null,
        endCursor: last ? encodeCursor(last) : null,
      },
      totalCountLoader: page.totalCount,
    });
  }

  @FieldResolver(() => Int, { description: "How many libraries match the filter, over all pages." })
  totalCount(@Root() connection: FingerprintLibraryConnection): Promise<number> {
    return connection.totalCountLoader();
  }
}

/** GraphQL gives explicit nulls for omitted input fields; the store wants them absent. */
function stripNulls<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as never;
}
