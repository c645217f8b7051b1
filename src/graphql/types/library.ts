import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { Library } from "../../domain/library.js";
import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "../../domain/model.js";
import { FingerprintBackendEnum, FingerprintModelEnum, LibraryStatusEnum } from "../enums.js";
import { toGlobalId } from "../global-id.js";
import { DateTimeScalar, JSONScalar } from "../scalars.js";
import { Node } from "./node.js";

// An Apollo Federation entity: other subgraphs refer to a library by its id and extend it.
@Directive('@key(fields: "id")')
@ObjectType("FingerprintLibrary", {
  implements: Node,
  description: "A fingerprint library on ICE or MPS, as the gateway's registry knows it.",
  simpleResolvers: true,
})
export class FingerprintLibraryType implements Node {
  @Field(() => ID, { description: "The gateway's own opaque id." })
  id!: string;

  @Field(() => FingerprintBackendEnum, { description: "The service that hosts the library." })
  backend!: FingerprintBackend;

  @Field({ description: "The backend's id for it: ICE DBId or MPS FpDBId." })
  backendLibraryId!: string;

  @Field({ description: "The Alibaba Cloud region it lives in, e.g. cn-shanghai." })
  region!: string;

  @Field({ description: "Its name." })
  name!: string;

  @Field(() => String, { nullable: true, description: "Its description, if any." })
  description!: string | null;

  @Field(() => FingerprintModelEnum, { description: "Which media it fingerprints." })
  model!: FingerprintModel;

  @Field(() => JSONScalar, { nullable: true, description: "The MPS Config object it was created with; null for ICE." })
  config!: unknown;

  @Field(() => LibraryStatusEnum, { description: "The normalized status." })
  status!: LibraryStatus;

  @Field({ description: "The backend's own status word, as last seen (`absent` once the backend no longer lists it)." })
  rawStatus!: string;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded it." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When the gateway last changed its record." })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "The first time the gateway saw it ACTIVE." })
  activatedAt!: Date | null;

  static from(library: Library): FingerprintLibraryType {
    return Object.assign(new FingerprintLibraryType(), {
      id: toGlobalId("FingerprintLibrary", library.id),
      backend: library.backend,
      backendLibraryId: library.backendLibraryId,
      region: library.region,
      name: library.name,
      description: library.description,
      model: library.model,
      config: library.config === null ? null : JSON.parse(library.config),
      status: library.status,
      rawStatus: library.rawStatus,
      createdAt: library.createdAt,
      updatedAt: library.updatedAt,
      activatedAt: library.activatedAt,
    });
  }
}
