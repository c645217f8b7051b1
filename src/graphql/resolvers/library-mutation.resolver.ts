import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { FingerprintBackend } from "../../domain/model.js";
import type { GatewayContext } from "../context.js";
import { FingerprintBackendEnum } from "../enums.js";
import { libraryIdFrom } from "../global-id.js";
import { CreateFingerprintLibraryInput } from "../types/inputs.js";
import { FingerprintLibraryType } from "../types/library.js";
import { CreateFingerprintLibraryPayload, DeleteFingerprintLibraryPayload } from "../types/payloads.js";

@Resolver()
export class LibraryMutationResolver {
  @Mutation(() => CreateFingerprintLibraryPayload, {
    description: "Creates a library on the backend the routing policy (or `backend`) picks, and records it.",
  })
  async createFingerprintLibrary(
    @Arg("input", () => CreateFingerprintLibraryInput, { description: "What to create." }) input: CreateFingerprintLibraryInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<CreateFingerprintLibraryPayload> {
    const { library, replayed, routing } = await ctx.services.create.execute(ctx.tenantId, input);
    return { library: FingerprintLibraryType.from(library), replayed, routing };
  }

  @Mutation(() => DeleteFingerprintLibraryPayload, {
    description: "Deletes a library on its backend: ICE at once (DELETED), MPS through a delete job (DELETING, then DELETED).",
  })
  async deleteFingerprintLibrary(
    @Arg("id", () => ID, { description: "The library's id." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<DeleteFingerprintLibraryPayload> {
    const library = await ctx.services.lifecycle.delete(ctx.tenantId, libraryIdFrom(id));
    return { library: FingerprintLibraryType.from(library) };
  }

  @Mutation(() => FingerprintLibraryType, { description: "Reads the library's status from its backend now, instead of waiting for the watcher." })
  async refreshFingerprintLibrary(
    @Arg("id", () => ID, { description: "The library's id." }) id: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<FingerprintLibraryType> {
    return FingerprintLibraryType.from(await ctx.services.lifecycle.refresh(ctx.tenantId, libraryIdFrom(id), ctx.loaders.live));
  }

  @Mutation(() => FingerprintLibraryType, { description: "Adopts a library that already exists on a backend into the gateway." })
  async importFingerprintLibrary(
    @Arg("backend", () => FingerprintBackendEnum, { description: "The service that hosts it." }) backend: FingerprintBackend,
    @Arg("backendLibraryId", { description: "Its ICE DBId or MPS FpDBId." }) backendLibraryId: string,
    @Arg("region", () => String, { nullable: true, description: "Its region; defaults to the gateway's DEFAULT_REGION." }) region: string | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<FingerprintLibraryType> {
    return FingerprintLibraryType.from(await ctx.services.lifecycle.import(ctx.tenantId, backend, backendLibraryId, region, ctx.loaders.live));
  }
}
