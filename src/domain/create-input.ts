import { createHash } from "node:crypto";
import { GatewayError, badInput } from "./errors.js";
import type { FingerprintBackend, FingerprintModel } from "./model.js";
import { TEXT_ONLY_REGION } from "./model.js";
import { requireStorable, unstorableReason } from "./storable-text.js";

/** Limits the gateway enforces before any backend call; neither service documents its own. */
export const NAME_MAX_LENGTH = 128;
export const DESCRIPTION_MAX_LENGTH = 1024;
export const CONFIG_MAX_BYTES = 4096;
/** Objects and arrays inside each other; a real MPS Config is one level deep. */
export const CONFIG_MAX_DEPTH = 32;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export interface CreateLibraryRequest {
  name: string;
  model: FingerprintModel;
  description?: string | null;
  /** Already-parsed JSON (the GraphQL JSON scalar) or JSON text. */
  config?: unknown;
  region?: string | null;
  backend?: FingerprintBackend | null;
  idempotencyKey?: string | null;
}

/** A create request after validation: trimmed, defaults applied, config as canonical JSON text. */
export interface ValidCreateRequest {
  name: string;
  model: FingerprintModel;
  description: string | null;
  config: string | null;
  region: string;
  backend: FingerprintBackend | null;
  idempotencyKey: string | null;
}

export interface CreateValidationContext {
  defaultRegion: string;
  allowedRegions: readonly string[];
}

export function validateCreateRequest(req: CreateLibraryRequest, ctx: CreateValidationContext): ValidCreateRequest {
  const name = requireStorable("name", req.name).trim();
  if (name.length === 0) throw badInput("name", "name must not be empty.");
  if (name.length > NAME_MAX_LENGTH) {
    throw badInput("name", `name is ${name.length} characters long; the limit is ${NAME_MAX_LENGTH}.`);
  }
  const description = req.description == null ? null : requireStorable("description", req.description).trim() || null;
  if (description && description.length > DESCRIPTION_MAX_LENGTH) {
    throw badInput("description", `description is ${description.length} characters long; the limit is ${DESCRIPTION_MAX_LENGTH}.`);
  }

  const region = requireStorable("region", req.region ?? ctx.defaultRegion).trim();
  if (!ctx.allowedRegions.includes(region)) {
    throw new GatewayError(
      "UNSUPPORTED_REGION",
      `Region "${region}" is not served by this gateway; use one of: ${ctx.allowedRegions.join(", ")}.`,
      { field: "region" },
    );
  }
  if (req.model === "TEXT" && region !== TEXT_ONLY_REGION) {
    throw new GatewayError(
      "UNSUPPORTED_REGION",
      `TEXT libraries exist only in ${TEXT_ONLY_REGION} on both services; "${region}" was asked for.`,
      { field: "region" },
    );
  }

  const config = canonicalConfig(req.config);
  if (config !== null && req.backend === "ICE") {
    throw badInput("config", "config is an MPS setting; ICE libraries take none. Drop config or choose backend MPS.");
  }

  const idempotencyKey = req.idempotencyKey ?? null;
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH)) {
    throw badInput("idempotencyKey", `idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters long.`);
  }
  if (idempotencyKey !== null) requireStorable("idempotencyKey", idempotencyKey);

  return { name, model: req.model, description, config, region, backend: req.backend ?? null, idempotencyKey };
}

/**
 * MPS takes Config as a JSON object in a string. Accept either the parsed value (the JSON
 * scalar) or text; refuse anything that is not an object, so the backend never sees it.
 */
function canonicalConfig(config: unknown): string | null {
  if (config === undefined || config === null) return null;
  let value = config;
  if (typeof config === "string") {
    // Text far over the limit is refused unread (its parse alone could be costly).
    if (config.length > CONFIG_MAX_BYTES * 6) {
      throw badInput("config", `config is ${config.length} characters of JSON text; the limit is ${CONFIG_MAX_BYTES} bytes.`);
    }
    try {
      value = JSON.parse(config);
    } catch (error) {
      throw badInput("config", `config is not valid JSON: ${(error as Error).message}.`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badInput("config", "config must be a JSON object, for example {\"SaveType\": \"save\"}.");
  }
  checkConfigShape(value);
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > CONFIG_MAX_BYTES) {
    throw badInput("config", `config is ${Buffer.byteLength(text)} bytes as JSON; the limit is ${CONFIG_MAX_BYTES}.`);
  }
  return text;
}

/**
 * Walks the config without recursion (a value nested thousands deep must not overflow the
 * stack here, in JSON.stringify or in the backend client): refuses more than CONFIG_MAX_DEPTH
 * levels, more members than could fit in CONFIG_MAX_BYTES, and keys or strings the
 * databases cannot hold. Only JSON values get here: the GraphQL JSON scalar and JSON.parse
 * make nothing else.
 */
function checkConfigShape(root: object): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  let members = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value === "string") {
      const reason = unstorableReason(value);
      if (reason) throw badInput("config", `a string in config ${reason}.`);
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > CONFIG_MAX_DEPTH) {
      throw badInput("config", `config is nested more than ${CONFIG_MAX_DEPTH} levels deep; MPS takes a flat object such as {"SaveType": "save"}.`);
    }
    for (const [key, member] of Object.entries(value)) {
      members += 1;
      // Every member takes at least two bytes of JSON ("0,"), so more than half the limit cannot fit.
      if (members > CONFIG_MAX_BYTES / 2) throw badInput("config", `config has more members than fit in ${CONFIG_MAX_BYTES} bytes of JSON.`);
      if (!Array.isArray(value)) {
        const reason = unstorableReason(key);
        if (reason) throw badInput("config", `a key in config ${reason}.`);
      }
      stack.push({ value: member, depth: depth + 1 });
    }
  }
}

/**
 * The fingerprint of a create for idempotency: the same key with another hash is a key
 * reuse. The key itself is left out (it is what is being matched on).
 */
export function createRequestHash(req: ValidCreateRequest): string {
  const canonical = JSON.stringify([req.name, req.model, req.description, req.config, req.region, req.backend]);
  return createHash("sha256").update(canonical).digest("hex");
}
