/** Parameter readers shared by both services; each error message names the parameter. */
import { invalidParameter, missingParameter, quotaExceeded, regionNotSupported } from "../errors.js";
import type { Service } from "../state.js";
import type { ActionContext } from "./types.js";

/** Undefined when absent; an empty value counts as absent, as the SDKs never send one on purpose. */
export function optional(ctx: ActionContext, name: string): string | undefined {
  const v = ctx.params.get(name);
  return v === undefined || v.trim() === "" ? undefined : v;
}

export function required(ctx: ActionContext, name: string): string {
  const v = optional(ctx, name);
  if (v === undefined) throw missingParameter(name);
  return v;
}

/**
 * A comma-separated id list, trimmed and de-duplicated in order. More than `max`
 * distinct ids is refused (the documented hard limit for MPS, the recommendation for ICE).
 */
export function idList(ctx: ActionContext, name: string, max: number): string[] {
  const raw = optional(ctx, name);
  if (raw === undefined) return [];
  const ids = [...new Set(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
  if (ids.length > max) {
    throw invalidParameter(`The parameter ${name} names ${ids.length} ids; at most ${max} are allowed per call.`);
  }
  return ids;
}

/** UserData: at most 128 bytes of UTF-8. */
export function userData(ctx: ActionContext): string | undefined {
  const v = optional(ctx, "UserData");
  if (v !== undefined && Buffer.byteLength(v, "utf8") > 128) {
    throw invalidParameter(`The parameter UserData is ${Buffer.byteLength(v, "utf8")} bytes long; at most 128 bytes are allowed.`);
  }
  return v;
}

/** Text libraries exist only in cn-shanghai (both products). */
export function checkTextRegion(ctx: ActionContext, what: string): void {
  if (ctx.region !== "cn-shanghai") {
    throw regionNotSupported(`Text libraries (${what}) can only be created in cn-shanghai; this request was handled in ${ctx.region}.`);
  }
}

/** libraryQuota counts the account's libraries of one service in the region that are not deleted yet. */
export function checkQuota(ctx: ActionContext, service: Service, label: string, howToFree: string): void {
  const count = ctx.state.ownedBy(ctx.accessKeyId, service, ctx.region).length;
  const limit = ctx.settings.libraryQuota;
  if (count >= limit) {
    throw quotaExceeded(
      `The account ${ctx.accessKeyId} already has ${count} ${label} fingerprint libraries; the limit is ${limit} per account in ${ctx.region}. ${howToFree}`,
    );
  }
}

/** When a new library turns active: the delay plus uniform jitter in [0, jitter]. */
export function activationTime(ctx: ActionContext): number {
  const { activationDelayMs, activationJitterMs } = ctx.settings;
  return ctx.now + activationDelayMs + Math.round(ctx.random() * activationJitterMs);
}
