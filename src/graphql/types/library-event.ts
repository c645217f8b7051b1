import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { FingerprintBackend, FingerprintModel, LibraryStatus } from "../../domain/model.js";
import type { LibraryEvent } from "../../store/ports.js";
import { FingerprintBackendEnum, FingerprintModelEnum, LibraryStatusEnum } from "../enums.js";
import { DateTimeScalar } from "../scalars.js";
import { FingerprintLibraryType } from "./library.js";

@ObjectType("LibraryStatusEvent", { description: "A change of a library's normalized status.", simpleResolvers: true })
export class LibraryStatusEventType {
  @Field(() => ID, { description: "Increasing; pass the last one you saw as `after` to resume without a gap." })
  eventId!: string;

  @Field(() => FingerprintLibraryType, { description: "The library as it was right after the change." })
  library!: FingerprintLibraryType;

  @Field(() => LibraryStatusEnum, { nullable: true, description: "The status before the change." })
  previousStatus!: LibraryStatus | null;

  @Field(() => LibraryStatusEnum, { description: "The status after the change." })
  status!: LibraryStatus;

  @Field(() => DateTimeScalar, { description: "When the gateway recorded the change." })
  occurredAt!: Date;

  static from(event: LibraryEvent): LibraryStatusEventType {
    return Object.assign(new LibraryStatusEventType(), {
      eventId: String(event.id),
      library: FingerprintLibraryType.from(event.library),
      previousStatus: event.previousStatus,
      status: event.status,
      occurredAt: event.occurredAt,
    });
  }
}

@InputType({ description: "Narrows a subscription; every given field must match." })
export class LibraryEventFilter {
  @Field(() => [ID], { nullable: true, description: "Only these libraries (at most 100 ids)." })
  ids?: string[] | null;

  @Field(() => FingerprintBackendEnum, { nullable: true, description: "Only libraries on this backend." })
  backend?: FingerprintBackend | null;

  @Field(() => FingerprintModelEnum, { nullable: true, description: "Only libraries of this model." })
  model?: FingerprintModel | null;
}
