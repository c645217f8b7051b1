/**
 * The emulated products and their action names, kept apart from the handlers so that
 * settings validation can name them without importing the whole service layer.
 */
export interface ProductInfo {
  /** Product code as it appears in endpoints: ice.<region>.aliyuncs.com, mts.<region>... */
  product: "ice" | "mts";
  /** Name used in messages and the control API. */
  label: "ICE" | "MPS";
  version: string;
}

export const ICE: ProductInfo = { product: "ice", label: "ICE", version: "2020-11-09" };
export const MPS: ProductInfo = { product: "mts", label: "MPS", version: "2014-06-18" };

export const ICE_ACTIONS = [
  "CreateDNADB",
  "ListDNADB",
  "DeleteDNADB",
  "SubmitDNAJob",
  "QueryDNAJobList",
  "CancelDNAJob",
  "ListDNAFiles",
  "DeleteDNAFiles",
] as const;
export const MPS_ACTIONS = [
  "CreateFpShotDB",
  "ListFpShotDB",
  "SubmitFpDBDeleteJob",
  "QueryFpDBDeleteJobList",
  "SubmitFpShotJob",
  "QueryFpShotJobList",
  "ListFpShotFiles",
  "SubmitFpFileDeleteJob",
  "QueryFpFileDeleteJobList",
  "ImportFpShotJob",
  "ListFpShotImportJob",
] as const;
export const ALL_ACTIONS: readonly string[] = [...ICE_ACTIONS, ...MPS_ACTIONS];
