/**
 * The job settings of each service: ICE `Config` ({"SaveType","MediaType"}), MPS
 * `FpShotConfig` ({"PrimaryKey","SaveType","FpDBId","TextType","SimilarityThreshold"})
 * and MPS `FpImportConfig` ({"SaveType"}). Every error names the field and the values allowed.
 */
import { invalidParameter } from "../errors.js";
import type { MediaKind } from "../fingerprint/contract.js";
import { jsonString, parseJsonObject } from "./media-input.js";
import { SAVE_TYPES, type SaveType } from "./model.js";

export const DEFAULT_SIMILARITY_THRESHOLD = 0.8;

export function parseSaveType(where: string, raw: string, allowed: readonly SaveType[] = SAVE_TYPES): SaveType {
  const found = allowed.find((s) => s === raw.trim().toLowerCase());
  if (!found) throw invalidParameter(`${where} ${JSON.stringify(raw)} is not one of ${allowed.join(", ")}.`);
  return found;
}

function threshold(obj: Record<string, unknown>, where: string): number {
  const v = obj.SimilarityThreshold;
  if (v === undefined || v === null || v === "") return DEFAULT_SIMILARITY_THRESHOLD;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1)) throw invalidParameter(`${where}.SimilarityThreshold must be a number from 0 to 1, got ${JSON.stringify(v)}.`);
  return n;
}

export interface IceJobConfig {
  saveType: SaveType;
  threshold: number;
}

/**
 * ICE Config. Without Config (or without SaveType) the job uses `save`, the storage rule
 * the consoles default to. MediaType, when given, must name the library's own kind.
 */
export function parseIceConfig(raw: string | undefined, libraryKind: MediaKind): IceJobConfig {
  if (raw === undefined) return { saveType: "save", threshold: DEFAULT_SIMILARITY_THRESHOLD };
  const obj = parseJsonObject("Config", raw, `{"SaveType":"save","MediaType":"video"}`);
  const save = jsonString(obj, "Config", "SaveType");
  const mediaType = jsonString(obj, "Config", "MediaType");
  if (mediaType !== undefined && mediaType.trim().toLowerCase() !== libraryKind) {
    throw invalidParameter(`Config.MediaType ${JSON.stringify(mediaType)} does not match the library, whose Model holds ${libraryKind}; use "${libraryKind}" or omit it.`);
  }
  return {
    saveType: save === undefined ? "save" : parseSaveType("Config.SaveType", save),
    threshold: threshold(obj, "Config"),
  };
}

export interface MpsJobConfig {
  primaryKey: string;
  saveType: SaveType;
  fpDBId: string;
  threshold: number;
  textType?: "Text" | "ASR";
}

const FP_SHOT_EXAMPLE = `{"PrimaryKey":"key-1","SaveType":"save","FpDBId":"<library id>"}`;

export function parseFpShotConfig(raw: string): MpsJobConfig {
  const obj = parseJsonObject("FpShotConfig", raw, FP_SHOT_EXAMPLE);
  const primaryKey = jsonString(obj, "FpShotConfig", "PrimaryKey");
  const save = jsonString(obj, "FpShotConfig", "SaveType");
  const fpDBId = jsonString(obj, "FpShotConfig", "FpDBId");
  const textType = jsonString(obj, "FpShotConfig", "TextType");
  if (primaryKey === undefined) throw invalidParameter(`FpShotConfig.PrimaryKey is required, e.g. ${FP_SHOT_EXAMPLE}.`);
  if (save === undefined) throw invalidParameter(`FpShotConfig.SaveType is required: one of ${SAVE_TYPES.join(", ")}.`);
  if (fpDBId === undefined) {
    throw invalidParameter(`FpShotConfig.FpDBId is required: the emulator has no default library, name one created with CreateFpShotDB.`);
  }
  let tt: "Text" | "ASR" | undefined;
  if (textType !== undefined) {
    const t = textType.trim().toLowerCase();
    if (t === "text") tt = "Text";
    else if (t === "asr") tt = "ASR";
    else throw invalidParameter(`FpShotConfig.TextType ${JSON.stringify(textType)} is not one of Text, ASR.`);
  }
  return {
    primaryKey,
    saveType: parseSaveType("FpShotConfig.SaveType", save),
    fpDBId,
    threshold: threshold(obj, "FpShotConfig"),
    ...(tt !== undefined ? { textType: tt } : {}),
  };
}

/** FpImportConfig: SaveType save (store when not a duplicate) or onlysave (store). */
export function parseImportConfig(raw: string): "save" | "onlysave" {
  const obj = parseJsonObject("FpImportConfig", raw, `{"SaveType":"onlysave"}`);
  const save = jsonString(obj, "FpImportConfig", "SaveType");
  if (save === undefined) throw invalidParameter(`FpImportConfig.SaveType is required: save or onlysave.`);
  return parseSaveType("FpImportConfig.SaveType", save, ["save", "onlysave"]) as "save" | "onlysave";
}
