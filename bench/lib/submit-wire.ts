/**
 * What every path of the jobs-submit part submits: a SAVE of one object in the emulator's OSS,
 * as the gateway's ice-content.ts / mps-content.ts put it on the wire.
 */
import type { RpcParams } from "../../src/backends/signed-rpc-client.js";
import { MEDIA_TYPE_WORDS, SAVE_TYPES } from "../../src/domain/job.js";

export type SubmitBackend = "ICE" | "MPS";

export const REGION = "cn-shanghai";
export const BUCKET = "bench-media";
export const OBJECT = "clips/bench-submit.mp4";
export const SUBMIT_ACTION = { ICE: "SubmitDNAJob", MPS: "SubmitFpShotJob" } as const;

/** The wire parameters of a SAVE of the bench's OSS object into one library. */
export function submitWireParams(backend: SubmitBackend, backendLibraryId: string, primaryKey: string): RpcParams {
  if (backend === "ICE") {
    return {
      DBId: backendLibraryId,
      PrimaryKey: primaryKey,
      Input: JSON.stringify({ Type: "OSS", Media: `oss://${BUCKET}/${OBJECT}` }),
      Config: JSON.stringify({ SaveType: SAVE_TYPES.SAVE, MediaType: MEDIA_TYPE_WORDS.VIDEO }),
    };
  }
  return {
    Input: JSON.stringify({ Bucket: BUCKET, Location: `oss-${REGION}`, Object: encodeURIComponent(OBJECT) }),
    FpShotConfig: JSON.stringify({ FpDBId: backendLibraryId, PrimaryKey: primaryKey, SaveType: SAVE_TYPES.SAVE, SimilarityThreshold: 0.8 }),
  };
}
