/**
 * Intelligent Media Services (ICE, API version 2020-11-09), "DNA DB" libraries:
 * CreateDNADB, ListDNADB, DeleteDNADB. Wire names: DBId, Model (a word), Status.
 */
import { GatewayError } from "../domain/errors.js";
import type { FingerprintModel } from "../domain/model.js";
import { normalizeStatus } from "../domain/status.js";
import { assertBatchSize } from "./batch-size.js";
import type { Backend, BackendCreateRequest, BackendDeleteResult, BackendLibrary, BackendLookup, DeleteJobStatus } from "./port.js";
import { IceContent } from "./ice-content.js";
import type { ResilientCaller } from "./resilient-caller.js";
import { missingIds } from "./wire-values.js";

export const ICE_API_VERSION = "2020-11-09";

/** ICE does not publish QPS limits for these actions; 100/s matches MPS's documented ones. */
export const ICE_QPS_LIMITS: Readonly<Record<string, number>> = { CreateDNADB: 100, ListDNADB: 100, DeleteDNADB: 100 };

const MODEL_WORDS: Readonly<Record<FingerprintModel, string>> = { VIDEO: "Video", AUDIO: "Audio", IMAGE: "Image", TEXT: "Text" };

interface IceDbInfo {
  DBId?: string;
  Name?: string;
  Description?: string;
  Model?: string | number;
  Status?: string;
}

export class IceBackend implements Backend {
  readonly name = "ICE" as const;

  readonly content: IceContent;

  constructor(private readonly caller: ResilientCaller) {
    this.content = new IceContent(caller);
  }

  async create(region: string, request: BackendCreateRequest): Promise<BackendLibrary> {
    const body = await this.caller.call(
      region,
      "CreateDNADB",
      { Name: request.name, Model: MODEL_WORDS[request.model], Description: request.description },
      { idempotent: false },
    );
    return toLibrary(body.DBInfo as IceDbInfo | undefined, request.model);
  }

  async lookup(region: string, ids: readonly string[]): Promise<BackendLookup> {
    assertBatchSize(ids);
    if (ids.length === 0) return { found: [], missing: [] };
    const body = await this.caller.call(region, "ListDNADB", { DBIds: ids.join(",") }, { idempotent: true });
    const found = dbList(body).map((info) => toLibrary(info));
    return { found, missing: missingIds(ids, found.map((library) => library.backendLibraryId)) };
  }

  async listAll(region: string): Promise<BackendLibrary[]> {
    const body = await this.caller.call(region, "ListDNADB", {}, { idempotent: true });
    return dbList(body).map((info) => toLibrary(info));
  }

  async delete(region: string, backendLibraryId: string): Promise<BackendDeleteResult> {
    await this.caller.call(region, "DeleteDNADB", { DBId: backendLibraryId }, { idempotent: false });
    return { kind: "deleted" };
  }

  async deleteJobs(): Promise<DeleteJobStatus[]> {
    return [];
  }
}

function dbList(body: Record<string, unknown>): IceDbInfo[] {
  return Array.isArray(body.DBList) ? (body.DBList as IceDbInfo[]) : [];
}

function toLibrary(info: IceDbInfo | undefined, requestedModel?: FingerprintModel): BackendLibrary {
  if (!info?.DBId) {
    throw new GatewayError("BACKEND_ERROR", "ICE answered without a DBId; the library state is unknown. Retry with the same idempotencyKey.");
  }
  return {
    backendLibraryId: info.DBId,
    name: info.Name ?? "",
    description: info.Description || null,
    model: parseIceModel(info.Model) ?? requestedModel ?? unknownModel(info),
    config: null,
    ...normalizeStatus(info.Status),
  };
}

/**
 * ICE's SDK typed Model as a number until 2024 and as a word since; accept both. The
 * numeric codes are not documented for ICE: MPS's (11 text ... 14 image) are assumed.
 */
function parseIceModel(model: string | number | undefined): FingerprintModel | undefined {
  if (model === undefined || model === null || model === "") return undefined;
  const byNumber: Record<string, FingerprintModel> = { "11": "TEXT", "12": "VIDEO", "13": "AUDIO", "14": "IMAGE" };
  const word = String(model).trim();
  return byNumber[word] ?? (Object.keys(MODEL_WORDS) as FingerprintModel[]).find((m) => m === word.toUpperCase());
}

function unknownModel(info: IceDbInfo): never {
  throw new GatewayError("BACKEND_ERROR", `ICE library ${info.DBId} has a model the gateway does not know (${String(info.Model)}).`);
}
