import { Field, ObjectType } from "type-graphql";
import type { Library } from "../../domain/library.js";
import { encodeCursor } from "../../services/library-queries.js";
import { FingerprintLibraryType } from "./library.js";

@ObjectType({ description: "Relay-style pagination state of a connection.", simpleResolvers: true })
export class PageInfo {
  @Field({ description: "Whether a page follows this one." })
  hasNextPage!: boolean;

  @Field({ description: "Whether a page precedes this one (true whenever `after` was given)." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The cursor of the first edge, null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "The cursor of the last edge: pass it as `after` for the next page." })
  endCursor!: string | null;
}

@ObjectType({ description: "A library and its position in the list.", simpleResolvers: true })
export class FingerprintLibraryEdge {
  constructor(
    private readonly library: Pick<Library, "createdAt" | "id">,
    node: FingerprintLibraryType,
  ) {
    this.node = node;
  }

  /** Encoded when a query selects it: most list queries ask for nodes only. */
  @Field({ description: "An opaque position, for `after`." })
  get cursor(): string {
    return encodeCursor(this.library);
  }

  @Field(() => FingerprintLibraryType, { description: "The library." })
  node: FingerprintLibraryType;
}

// simpleResolvers: edges, nodes and pageInfo are plain properties, so graphql's default
// resolver reads them without type-graphql's per-field wrapper (totalCount keeps its own).
@ObjectType({ description: "A page of libraries, oldest first (by creation, then id), with the total for the filter.", simpleResolvers: true })
export class FingerprintLibraryConnection {
  @Field(() => [FingerprintLibraryEdge], { description: "The libraries of this page with their cursors." })
  edges!: FingerprintLibraryEdge[];

  @Field(() => [FingerprintLibraryType], { description: "The libraries of this page, without cursors." })
  nodes!: FingerprintLibraryType[];

  @Field(() => PageInfo, { description: "Where this page sits." })
  pageInfo!: PageInfo;

  /** Resolved by a field resolver so the count query runs only when asked for. */
  totalCountLoader!: () => Promise<number>;
}

