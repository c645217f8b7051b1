import { createHash } from "node:crypto";
import { GatewayError, badInput } from "./errors.js";
import type { FingerprintBackend, FingerprintModel } from "./model.js";
import { TEXT_ONLY_REGION } from "./model.js";

/** Limits the gateway enforces before any backend call; neither service documents its own. */
export const NAME_MAX_LENGTH = 128;
export const DESCRIPTION_MAX_LENGTH = 1024;
export const CONFIG_MAX_BYTES = 4096;
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
  const name = req.name.trim();
  if (name.length === 0) throw badInput("name", "name must not be empty.");
  if (name.length > NAME_MAX_LENGTH) {
    throw badInput("name", `name is ${name.length} characters long; the limit is ${NAME_MAX_LENGTH}.`);
  }
  const description = req.description?.trim() || null;
  if (description && description.length > DESCRIPTION_MAX_LENGTH) {
    throw badInput("description", `description is ${description.length} characters long; the limit is ${DESCRIPTION_MAX_LENGTH}.`);
  }

  const region = (req.region ?? ctx.defaultRegion).trim();
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
    try {
      value = JSON.parse(config);
    } catch (error) {
      throw badInput("config", `config is not valid JSON: ${(error as Error).message}.`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badInput("config", "config must be a JSON object, for example {\"SaveType\": \"save\"}.");
  }
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > CONFIG_MAX_BYTES) {
    throw badInput("config", `config is ${Buffer.byteLength(text)} bytes as JSON; the limit is ${CONFIG_MAX_BYTES}.`);
  }
  return text;
}

/**
 * The fingerprint of a create for idempotency: the same key with another hash is a key
 * reuse. The key itself is left out (it is what is being matched on).
 */
export function createRequestHash(req: ValidCreateRequest): string {
  const canonical = JSON.stringify([req.name, req.model, req.description, req.config, req.region, req.backend]);
  return createHash("sha256").update(canonical).digest("hex");
}
