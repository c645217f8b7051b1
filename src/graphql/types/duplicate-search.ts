import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { DuplicateSearch } from "../../domain/job.js";
import { toGlobalId } from "../global-id.js";
import { DateTimeScalar } from "../scalars.js";
import { FingerprintMatchType } from "./job.js";
import { Node } from "./node.js";

// status, jobs, matches and LibraryMatch.library are resolved in job-fields.resolver.ts.
@Directive('@key(fields: "id")')
@ObjectType("DuplicateSearch", {
  implements: Node,
  description: "One media file searched in several libraries: one SEARCH job per library, their status and matches in one place.",
})
export class DuplicateSearchType implements Node {
  /** For Node's resolveType. */
  readonly nodeType = "DuplicateSearch";

  search!: DuplicateSearch;

  @Field(() => ID, { description: "The gateway's own opaque id." })
  id!: string;

  @Field(() => DateTimeScalar, { description: "When the search was made." })
  createdAt!: Date;

  static from(search: DuplicateSearch): DuplicateSearchType {
    return Object.assign(new DuplicateSearchType(), { search, id: toGlobalId("DuplicateSearch", search.id), createdAt: search.createdAt });
  }
}

@ObjectType("LibraryMatch", { description: "A match, with the library it was found in." })
export class LibraryMatchType {
  /** The internal library id, loaded by the field resolver. */
  libraryId!: string;

  @Field(() => FingerprintMatchType, { description: "The stored media that duplicates the search's media." })
  match!: FingerprintMatchType;
}
