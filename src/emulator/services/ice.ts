/**
 * ICE (Intelligent Media Services, 2020-11-09) media-fingerprint ("DNA") libraries.
 * Shapes: specs/alibaba-fingerprint-apis.md section 1.1. ICE deletes synchronously
 * and reports Status (offline/active) in both create and list responses.
 */
import { invalidParameter, resourceNotFound } from "../errors.js";
import type { IceLibrary, IceModel } from "../state.js";
import { ICE_CONTENT_ACTIONS } from "../content/ice-actions.js";
import { ICE } from "./actions.js";
import { activationTime, checkQuota, checkTextRegion, idList, optional, required } from "./params.js";
import type { ActionContext, ServiceDefinition } from "./types.js";

const MODELS: readonly IceModel[] = ["Video", "Audio", "Image", "Text"];

function view(lib: IceLibrary) {
  return { DBId: lib.id, Name: lib.name, Description: lib.description, Model: lib.model, Status: lib.status };
}

/** Model is matched case-insensitively and stored in its canonical spelling; default Video. */
function model(ctx: ActionContext): IceModel {
  const raw = optional(ctx, "Model");
  if (raw === undefined) return "Video";
  const found = MODELS.find((m) => m.toLowerCase() === raw.trim().toLowerCase());
  if (!found) throw invalidParameter(`Model ${raw} is not one of ${MODELS.join(", ")}.`);
  return found;
}

function createDnaDb(ctx: ActionContext) {
  const name = required(ctx, "Name");
  const m = model(ctx);
  if (m === "Text") checkTextRegion(ctx, "Model=Text");
  checkQuota(ctx, "ice", "ICE", "Delete one with DeleteDNADB first.");
  const lib: IceLibrary = {
    service: "ice",
    id: ctx.state.freshId(),
    owner: ctx.accessKeyId,
    name,
    description: optional(ctx, "Description") ?? "",
    model: m,
    status: "offline",
    region: ctx.region,
    createdAt: ctx.now,
    activatesAt: activationTime(ctx),
  };
  ctx.state.add(lib);
  return { DBInfo: view(lib) };
}

/** Without DBIds the emulator lists all of the account's ICE libraries in the region (undocumented upstream). */
function listDnaDb(ctx: ActionContext) {
  const ids = idList(ctx, "DBIds", 10);
  const libs =
    ids.length === 0
      ? ctx.state.ownedBy(ctx.accessKeyId, "ice", ctx.region)
      : ids.map((id) => ctx.state.owned(id, ctx.accessKeyId, "ice", ctx.region)).filter((l) => l !== undefined);
  return { DBList: (libs as IceLibrary[]).map(view) };
}

function deleteDnaDb(ctx: ActionContext) {
  const id = required(ctx, "DBId");
  if (!ctx.state.owned(id, ctx.accessKeyId, "ice", ctx.region)) {
    throw resourceNotFound(`The library DBId ${id} does not exist.`);
  }
  ctx.state.remove(id);
  return {};
}

export const iceService: ServiceDefinition = {
  info: ICE,
  actions: { CreateDNADB: createDnaDb, ListDNADB: listDnaDb, DeleteDNADB: deleteDnaDb, ...ICE_CONTENT_ACTIONS },
};
